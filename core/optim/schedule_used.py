"""The lr a finished run used, step by step, and what happened to it: how often it was cut and where it ended.

For ReduceLROnPlateau the lr is known only after the run (it follows the run's own loss): `used_lrs` recomputes it
from the trajectory's losses, as the engine applied it; `lr_cuts` and `last_lr` sum it up for a sentence.
tests/core/test_schedule_used.py checks them against torch.optim.lr_scheduler run in float64.

>>> sched = {"factor": 0.5, "patience": 2, "threshold": 0.1}
>>> traj = run("sgd", "beale", steps=300, lr=2e-3, schedule=("plateau", sched))
>>> lr = used_lrs("plateau", 2e-3, traj.losses, traj.diverged_at, **sched)
>>> lr_cuts(lr), last_lr(lr)
(17, 1.52587890625e-08)
"""

from __future__ import annotations

import numpy as np

from core.optim.schedules import lrs


def used_lrs(name: str, lr: float, losses, diverged_at: int | None = None, /, **params) -> np.ndarray:
    """The lr (T,) a run with losses (T+1,) (traj.losses, the start's first) used at steps 1..T, NaN after the step
    at which it left (diverged_at): a loss-driven schedule would otherwise keep cutting on the NaN losses."""
    losses = np.asarray(losses, dtype=np.float64).ravel()
    out = lrs(name, lr, len(losses) - 1, losses=losses[1:], **params)
    if diverged_at is not None:
        out[diverged_at:] = np.nan  # lr[k - 1] is the lr of step k: step diverged_at itself did run
    return out


def lr_cuts(lr) -> int:
    """How many times the lr (T,) fell from one step to the next; NaN entries (steps after the run left) skipped."""
    lr = np.asarray(lr, dtype=np.float64)
    kept = lr[np.isfinite(lr)]
    return int(np.sum(kept[1:] < kept[:-1]))


def last_lr(lr) -> float:
    """The lr (T,) of the last step that ran (the last finite entry); NaN if none ran."""
    lr = np.asarray(lr, dtype=np.float64)
    kept = lr[np.isfinite(lr)]
    return float(kept[-1]) if len(kept) else float("nan")
