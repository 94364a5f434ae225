"""The Trajectory of one run, and how a batch's raw arrays become one Trajectory per config.

Divergence: a run diverges at the first step whose point is not finite or has max(|x|, |y|) > surface.bound
(10x the largest coordinate of the surface's view box). Its points, losses, gradients and state are NaN from
that step on (arrays keep their full length), the other runs of the batch are unaffected, nothing raises.

Escape: a run that leaves that way going downhill, to a loss below every value the surface takes in its view box
(the saddle x^2 - y^2 is unbounded below), has not blown up: it is marked `escaped` (diverged_at is still the
step it left, and its arrays are blanked the same way).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.optim.engine import Batch, first_exit

BOX_GRID = 65  # points per side of the grid on which the view box's lowest loss is taken


def box_floor(surface) -> float:
    """The lowest loss on the surface's view box (a BOX_GRID x BOX_GRID grid) and at its known minima."""
    z = surface.grid(BOX_GRID)[2]
    at_minima = surface.value(surface.minima) if len(surface.minima) else np.zeros(0)
    values = np.concatenate([z.ravel(), np.ravel(at_minima)])
    values = values[np.isfinite(values)]
    return float(values.min()) if len(values) else -np.inf


def escapes(pts: np.ndarray, exits: np.ndarray, surface) -> np.ndarray:
    """Which runs of pts (T+1, B, 2) left at exits (B,) downhill, to a finite loss below box_floor -> (B,) bool.

    exits[r] is the first step outside (T+1 if none); pts must still hold that step's point.
    """
    steps = pts.shape[0] - 1
    left = np.flatnonzero(exits <= steps)
    out = np.zeros(len(exits), dtype=bool)
    if not len(left):
        return out
    rows = np.arange(len(exits))[left]
    f_out = surface.value(pts[exits[left], rows])
    f_in = surface.value(pts[exits[left] - 1, rows])
    with np.errstate(invalid="ignore"):
        out[left] = np.isfinite(f_out) & (f_out < f_in) & (f_out < box_floor(surface))
    return out


@dataclass(frozen=True)
class Trajectory:
    """One run: points (T+1, 2) with row 0 the start, losses (T+1,), grads (T+1, 2), state name -> (T+1, 2).

    state holds spec.state_names: the optimizer's own buffers after each step (row 0 = initial) and
    "effective_lr" = |dtheta| / |g| per coordinate (NaN at row 0 and where g = 0).
    """

    optimizer: str
    hyper: dict
    points: np.ndarray
    losses: np.ndarray
    grads: np.ndarray
    state: dict
    diverged_at: int | None
    escaped: bool = False  # left the box downhill, below every loss in the box: not a blow-up


def trajectories(configs, batch: Batch, surface, pts, grads, record, last: int) -> list[Trajectory]:
    """Blank every run from its divergence on, derive |dtheta| / |g|, and hand rows back in config order."""
    steps = pts.shape[0] - 1
    diverged = first_exit(pts, surface.bound)
    escaped = escapes(pts, diverged, surface)
    after = np.arange(steps + 1)[:, None] >= np.minimum(diverged, last + 1)[None, :]
    pts[after], grads[after] = np.nan, np.nan
    eff = np.full_like(pts, np.nan)
    eff[1:] = np.abs(np.diff(pts, axis=0)) / np.abs(np.where(grads[:-1] != 0, grads[:-1], np.nan))
    losses = surface.value(pts)
    row_of = np.empty_like(batch.order)
    row_of[batch.order] = np.arange(len(batch.order))
    group_of = [(k, r - gr.rows.start) for k, gr in enumerate(batch.groups) for r in range(gr.rows.start, gr.rows.stop)]
    out = []
    for i, (name, _) in enumerate(configs):
        r = int(row_of[i])
        k, j = group_of[r]
        state = {}
        for n in batch.specs[i].state_names:
            arr = eff[:, r] if n == "effective_lr" else record[k, n][:, j]
            state[n] = np.where(after[:, r, None], np.nan, arr)
        d = int(diverged[r]) if diverged[r] <= steps else None
        out.append(Trajectory(name, batch.hypers[i], pts[:, r], losses[:, r], grads[:, r], state, d,
                              bool(escaped[r])))
    return out
