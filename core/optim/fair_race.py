"""A fair race: each optimizer at its own best learning rate, found by one batched sweep over a log lr grid.

A race at one shared lr mostly measures which optimizer that lr happens to suit. `lr_sensitivity` runs every
config at every lr of the grid (its other settings kept) as one batch and keeps the final loss of each run
(inf if it diverged, see core.optim.trajectory); the best lr is the grid value with the lowest final loss (the smaller
lr on a tie).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.optim.presets import LR_GRID
from core.optim.run import run_batch
from core.surfaces.surface import Surface


@dataclass(frozen=True)
class FairRace:
    """Final loss (N, L) of N configs over the lr grid lrs (L,); best (N,) lr per config (NaN if all diverged)."""

    names: tuple[str, ...]
    lrs: np.ndarray
    final: np.ndarray
    best: np.ndarray
    best_loss: np.ndarray


def lr_sensitivity(configs: Sequence[tuple[str, dict]], surface: str | Surface, start, steps: int,
                   lrs: Sequence[float] = LR_GRID) -> FairRace:
    """Every (optimizer, hyper) config at every lr of `lrs`, one batched run; final losses and best lrs."""
    lrs = np.asarray(lrs, dtype=np.float64)
    if lrs.ndim != 1 or not len(lrs) or not np.all(np.isfinite(lrs) & (lrs > 0)):
        raise ValueError("The lr grid must be positive finite numbers.")
    rows = [(name, {**dict(h), "lr": float(lr)}) for name, h in configs for lr in lrs]
    trajs = run_batch(rows, surface, start, steps)
    final = np.array([t.losses[-1] if t.diverged_at is None else np.inf for t in trajs], dtype=np.float64)
    final = np.where(np.isfinite(final), final, np.inf).reshape(len(configs), len(lrs))
    found = np.isfinite(final).any(axis=1)
    idx = np.argmin(final, axis=1)  # the first (smallest) lr among equal losses
    best = np.where(found, lrs[idx], np.nan)
    best_loss = np.where(found, final[np.arange(len(configs)), idx], np.inf)
    return FairRace(tuple(name for name, _ in configs), lrs, final, best, best_loss)


def at_best(configs: Sequence[tuple[str, dict]], race: FairRace) -> list[tuple[str, dict]]:
    """The configs with lr set to each one's best lr (kept as it was where every lr diverged)."""
    return [(n, {**dict(h), "lr": float(b)} if np.isfinite(b) else dict(h))
            for (n, h), b in zip(configs, race.best, strict=True)]


def shared(configs: Sequence[tuple[str, dict]], lr: float) -> list[tuple[str, dict]]:
    """The configs with one lr for all."""
    return [(n, {**dict(h), "lr": float(lr)}) for n, h in configs]
