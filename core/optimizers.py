"""The trajectory engine: many optimizer runs on one surface advanced together in NumPy.

>>> traj = run("adam", "beale", start=(1.0, 1.5), steps=500, lr=0.01)
>>> traj.points.shape, traj.losses.shape, traj.diverged_at
((501, 2), (501,), None)

A run diverges when its point stops being finite or leaves ``surface.bound`` (max(|x|, |y|)); that run stops
there (later rows are NaN), the others go on, and nothing raises.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from core import optim_rules
from core.optim_specs import OPTIMIZERS, Hyper, OptimizerSpec, get
from core.surfaces import Surface, get_surface

__all__ = ["OPTIMIZERS", "Hyper", "OptimizerSpec", "Trajectory", "run", "run_batch", "sweep", "MAX_STEPS"]
MAX_STEPS = 20_000


@dataclass(frozen=True)
class Trajectory:
    """One run: points (T+1, 2) with row 0 the start, losses (T+1,), grads (T+1, 2), state name -> (T+1, 2)."""

    optimizer: str
    hyper: dict
    points: np.ndarray
    losses: np.ndarray
    grads: np.ndarray
    state: dict
    diverged_at: int | None


def _init_state(rule: Callable, h: dict, p: np.ndarray) -> dict:
    z = np.zeros_like(p)
    s = {
        k: z.copy()
        for k in (
            "velocity",
            "exp_avg",
            "exp_avg_sq",
            "max_exp_avg_sq",
            "exp_inf",
            "square_avg",
            "acc_delta",
            "grad_avg",
            "prev",
            "step_size",
        )
    }
    s["sum"] = np.broadcast_to(h.get("initial_accumulator_value", z), p.shape).copy()
    s["mu_product"] = np.ones((p.shape[0], 1))
    if rule is optim_rules.rprop:
        s["step_size"] = np.broadcast_to(h["lr"], p.shape).copy()
    return s


def _columns(hypers: list[dict]) -> dict[str, np.ndarray]:
    """Per-run hyper-parameters as (B, 1) float columns (booleans as 0/1)."""
    keys = set().union(*hypers)
    return {k: np.array([[float(hp.get(k, 0.0))] for hp in hypers]) for k in keys}


class _Group:
    """Rows of the batch that share one update rule."""

    def __init__(self, specs: list[OptimizerSpec], rows: np.ndarray, hypers: list[dict], p: np.ndarray):
        self.rule, self.rows = specs[0].rule, rows
        self.state_names = sorted({n for s in specs for n in s.state_names})
        self.h = _columns(hypers)
        self.state = _init_state(self.rule, self.h, p[rows])

    def step(self, p: np.ndarray, g: np.ndarray, t: int) -> None:
        p[self.rows] = self.rule(p[self.rows], g[self.rows], self.state, self.h, t)


def _engine(configs, surface: Surface, starts: np.ndarray, steps: int, record: bool, on_step: Callable | None = None):
    """Advance every (optimizer, hyper) row from its start; yields arrays for run_batch and sweep."""
    if not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be between 0 and {MAX_STEPS}, got {steps}.")
    specs = [get(name) for name, _ in configs]
    hypers = [spec.resolve(**hp) for spec, (_, hp) in zip(specs, configs, strict=True)]
    p = np.array(starts, dtype=np.float64).reshape(len(configs), 2)
    if not np.all(np.isfinite(p)):
        raise ValueError("The start point must be finite numbers.")
    groups = []
    for rule in dict.fromkeys(s.rule for s in specs):
        rows = np.array([i for i, s in enumerate(specs) if s.rule is rule])
        groups.append(_Group([specs[i] for i in rows], rows, [hypers[i] for i in rows], p))
    return specs, hypers, p, groups


def run_batch(configs: Sequence[tuple[str, dict]], surface: str | Surface, starts, steps: int) -> list[Trajectory]:
    """One Trajectory per config x start (starts (2,) or (B, 2)); gradients evaluated once per step for all."""
    surface = get_surface(surface) if isinstance(surface, str) else surface
    starts = np.atleast_2d(np.asarray(starts, dtype=np.float64))
    configs = [c for c in configs for _ in range(len(starts))]
    starts = np.tile(starts, (len(configs) // len(starts), 1))
    specs, hypers, p, groups = _engine(configs, surface, starts, steps, record=True)
    B = len(configs)
    names = sorted({n for s in specs for n in s.state_names})
    pts = np.full((steps + 1, B, 2), np.nan)
    grads = np.full((steps + 1, B, 2), np.nan)
    state = {n: np.full((steps + 1, B, 2), np.nan) for n in names}
    alive = np.ones(B, dtype=bool)
    diverged = np.full(B, -1)
    with np.errstate(all="ignore"):
        g = surface.grad(p)
        pts[0], grads[0] = p, g
        for gr in groups:
            for n in gr.state_names:
                state[n][0, gr.rows] = gr.state[n]
        for t in range(1, steps + 1):
            old = p.copy()
            for gr in groups:
                gr.step(p, g, t)
            bad = alive & ~(np.all(np.isfinite(p), axis=1) & (np.max(np.abs(p), axis=1) <= surface.bound))
            diverged[bad] = t
            alive &= ~bad
            p[~alive] = old[~alive]  # frozen where it last was, so its gradient stays finite
            g = surface.grad(p)
            pts[t, alive], grads[t, alive] = p[alive], g[alive]
            for gr in groups:
                live = alive[gr.rows]
                for n in gr.state_names:
                    state[n][t, gr.rows[live]] = gr.state[n][live]
            if not alive.any():
                break
        losses = surface.value(pts)
    return [
        Trajectory(
            configs[i][0],
            hypers[i],
            pts[:, i],
            losses[:, i],
            grads[:, i],
            {n: state[n][:, i] for n in specs[i].state_names},
            int(diverged[i]) if diverged[i] >= 0 else None,
        )
        for i in range(B)
    ]


def run(optimizer: str, surface: str | Surface, start=(1.0, 1.5), steps: int = 500, **hyper) -> Trajectory:
    """A single run of `optimizer` on `surface` from `start` (torch hyper-parameter names)."""
    return run_batch([(optimizer, hyper)], surface, start, steps)[0]


def sweep(
    optimizer: str,
    surface: str | Surface,
    start,
    steps: int,
    x: tuple[str, np.ndarray],
    y: tuple[str, np.ndarray],
    metric: str = "final_loss",
    tol: float = 1e-3,
    progress: Callable[[float], None] | None = None,
    **hyper,
) -> np.ndarray:
    """Z (len(y), len(x)) over a grid of two hyper-parameters, all runs in one batch.

    metric "final_loss": the last loss (inf if the run diverged); "steps_to_tol": the first step whose loss is
    within `tol` of the surface's lowest known minimum (steps + 1 if never, inf if diverged).
    """
    surface = get_surface(surface) if isinstance(surface, str) else surface
    (xn, xv), (yn, yv) = x, y
    X, Y = np.meshgrid(np.asarray(xv, float), np.asarray(yv, float))
    configs = [(optimizer, {**hyper, xn: a, yn: b}) for a, b in zip(X.ravel(), Y.ravel(), strict=True)]
    starts = np.tile(np.asarray(start, float), (len(configs), 1))
    _, _, p, groups = _engine(configs, surface, starts, steps, record=False)
    target = surface.value(surface.minima).min() if len(surface.minima) else -np.inf
    B = len(configs)
    alive = np.ones(B, dtype=bool)
    reached = np.full(B, float(steps + 1))
    reached[surface.value(p) - target <= tol] = 0
    every = max(1, steps // 40)
    with np.errstate(all="ignore"):
        g = surface.grad(p)
        for t in range(1, steps + 1):
            old = p.copy()
            for gr in groups:
                gr.step(p, g, t)
            alive &= np.all(np.isfinite(p), axis=1) & (np.max(np.abs(p), axis=1) <= surface.bound)
            p[~alive] = old[~alive]
            g = surface.grad(p)
            if metric == "steps_to_tol":
                hit = alive & (reached > steps) & (surface.value(p) - target <= tol)
                reached[hit] = t
            if progress and t % every == 0:
                progress(t / steps)
        final = surface.value(p)
    if progress:
        progress(1.0)
    if metric == "final_loss":
        out = np.where(alive, final, np.inf)
    elif metric == "steps_to_tol":
        out = np.where(alive | (reached <= steps), reached, np.inf)
    else:
        raise ValueError(f"Unknown metric {metric!r}; use 'final_loss' or 'steps_to_tol'.")
    return out.reshape(X.shape)
