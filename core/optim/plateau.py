"""ReduceLROnPlateau fed each run's own loss, for many runs at once: `Plateau` (the engine's) and `plateau_lrs`.

The lr cannot be computed ahead: after step t the scheduler sees the run's loss at its new point (the loss curve's
value at step t) and decides the lr of step t + 1. torch's state (best, num_bad_epochs, cooldown_counter) is kept
per run and updated with the IEEE operations torch's Python floats do, so each run gets the lr
torch.optim.lr_scheduler.ReduceLROnPlateau would give it (tests/core/test_schedule_plateau.py). Two forms, as the
engine has: one run on Python floats (`_step_one`: plateau_lrs, and a small batch) and arrays for a big batch.
"""

from __future__ import annotations

import math

import numpy as np

PLATEAU_MODES = ("min", "max")
THRESHOLD_MODES = ("rel", "abs")
MAX_FLOAT_ROWS = 16  # beyond this the array form wins


def _step_one(st: list, a: float, s: dict) -> float:
    """ReduceLROnPlateau.step(a) on one run's state [lr, best, num_bad, cooldown_counter]; returns the new lr."""
    lr, best, bad, cool = st
    thr = s["threshold"]
    if s["mode"] == "min":
        better = a < best * (1.0 - thr) if s["threshold_mode"] == "rel" else a < best - thr
    else:
        better = a > best * (thr + 1.0) if s["threshold_mode"] == "rel" else a > best + thr
    best, bad = (a, 0) if better else (best, bad + 1)
    if cool > 0:
        cool, bad = cool - 1, 0
    if bad > s["patience"]:
        new = max(lr * s["factor"], s["min_lr"])
        if lr - new > s["eps"]:
            lr = new
        cool, bad = s["cooldown"], 0
    st[:] = lr, best, bad, cool
    return lr


def _start(lr: float, s: dict) -> list:
    return [float(lr), math.inf if s["mode"] == "min" else -math.inf, 0, 0]  # torch's mode_worse


class Plateau:
    """ReduceLROnPlateau over R runs: lr (R,) and per-run settings (dicts of torch's parameter names, one per run)."""

    def __init__(self, lr: np.ndarray, settings: list[dict]) -> None:
        self.lr = np.array(lr, dtype=np.float64)
        self.settings = settings
        if len(settings) <= MAX_FLOAT_ROWS:
            self.states = [_start(v, s) for v, s in zip(self.lr.tolist(), settings, strict=True)]
            return
        self.states = None
        col = {k: np.array([s[k] for s in settings]) for k in ("factor", "patience", "threshold", "cooldown",
                                                               "min_lr", "eps")}
        self.factor, self.patience, self.threshold = col["factor"], col["patience"], col["threshold"]
        self.cooldown, self.min_lr, self.eps = col["cooldown"], col["min_lr"], col["eps"]
        self.minimize = np.array([s["mode"] == "min" for s in settings])
        self.relative = np.array([s["threshold_mode"] == "rel" for s in settings])
        self.best = np.where(self.minimize, np.inf, -np.inf)
        self.num_bad = np.zeros(len(settings), dtype=np.int64)
        self.cooldown_counter = np.zeros(len(settings), dtype=np.int64)

    def _is_better(self, a: np.ndarray) -> np.ndarray:
        best, thr = self.best, self.threshold
        with np.errstate(invalid="ignore"):  # inf * 0 is NaN in torch's floats too: never better
            lower = np.where(self.relative, a < best * (1.0 - thr), a < best - thr)
            higher = np.where(self.relative, a > best * (thr + 1.0), a > best + thr)
        return np.where(self.minimize, lower, higher)

    def step(self, loss: np.ndarray) -> np.ndarray:
        """ReduceLROnPlateau.step(loss) for every run: loss (R,) -> the lr (R,) of the next step."""
        if self.states is not None:
            self.lr = np.array([_step_one(st, a, s) for st, a, s in zip(self.states, loss.tolist(), self.settings,
                                                                         strict=True)])
            return self.lr
        better = self._is_better(loss)
        self.best = np.where(better, loss, self.best)
        self.num_bad = np.where(better, 0, self.num_bad + 1)
        cooling = self.cooldown_counter > 0
        self.cooldown_counter = np.where(cooling, self.cooldown_counter - 1, self.cooldown_counter)
        self.num_bad = np.where(cooling, 0, self.num_bad)
        reduce = self.num_bad > self.patience
        cut = self.lr * self.factor
        new = np.where(self.min_lr > cut, self.min_lr, cut)  # Python's max(cut, min_lr): cut unless min_lr is larger
        self.lr = np.where(reduce & (self.lr - new > self.eps), new, self.lr)
        self.cooldown_counter = np.where(reduce, self.cooldown, self.cooldown_counter)
        self.num_bad = np.where(reduce, 0, self.num_bad)
        return self.lr


def plateau_lrs(lr: float, steps: int, losses, **settings) -> np.ndarray:
    """The lr (steps,) of a run at steps 1..steps when the loss after step t is losses[t - 1] (e.g. traj.losses[1:]).

    settings: ReduceLROnPlateau's parameters, all given (core.optim.schedules.resolve fills the defaults).
    """
    losses = np.asarray(losses, dtype=np.float64).ravel()
    if len(losses) < steps - 1:
        raise ValueError(f"ReduceLROnPlateau needs the loss after each of the first {steps - 1} steps, "
                         f"got {len(losses)}.")
    st, out = _start(lr, settings), [float(lr)] * steps
    for t, a in enumerate(losses[: max(steps - 1, 0)].tolist()):
        out[t + 1] = _step_one(st, a, settings)
    return np.array(out)
