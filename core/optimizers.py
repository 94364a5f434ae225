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
    s = {k: z.copy() for k in ("velocity", "exp_avg", "exp_avg_sq", "max_exp_avg_sq", "exp_inf", "square_avg",
                               "acc_delta", "grad_avg", "prev")}
    s["sum"] = z + h.get("initial_accumulator_value", 0.0)
    s["mu_product"] = np.ones((p.shape[0], 1))
    s["step_size"] = z + h["lr"] if rule is optim_rules.rprop else z
    return s


def _columns(hypers: list[dict]) -> dict:
    """Per-run hyper-parameters: a float when every row agrees (cheap fast paths), else a (B, 1) column."""
    out = {}
    for k in set().union(*hypers):
        col = np.array([[float(hp.get(k, 0.0))] for hp in hypers])
        out[k] = float(col[0, 0]) if np.all(col == col[0, 0]) else col
    return out


@dataclass
class _Group:
    """A contiguous slice of the batch whose rows share one update rule."""

    rule: Callable
    rows: slice
    h: dict
    state: dict
    names: tuple[str, ...]  # state recorded for the step inspector


def _prepare(configs, starts: np.ndarray, steps: int):
    """Specs, resolved hypers, start points and rule groups; rows are reordered so each group is one slice."""
    if not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be between 0 and {MAX_STEPS}, got {steps}.")
    specs = [get(name) for name, _ in configs]
    hypers = [spec.resolve(**hp) for spec, (_, hp) in zip(specs, configs, strict=True)]
    p0 = np.array(starts, dtype=np.float64).reshape(len(configs), 2)
    if not np.all(np.isfinite(p0)):
        raise ValueError("The start point must be finite numbers.")
    # One group per optimizer entry: its defining flags are then uniform floats and take the fast paths.
    names = list(dict.fromkeys(s.name for s in specs))
    order = np.array(sorted(range(len(specs)), key=lambda i: names.index(specs[i].name)), dtype=int)
    p, groups, lo = p0[order].copy(), [], 0
    for name in names:
        idx = [i for i in order if specs[i].name == name]
        rows, spec = slice(lo, lo + len(idx)), OPTIMIZERS[name]
        h = _columns([hypers[i] for i in idx])
        recorded = tuple(n for n in spec.state_names if n != "effective_lr")
        groups.append(_Group(spec.rule, rows, h, _init_state(spec.rule, h, p[rows]), recorded))
        lo += len(idx)
    return specs, hypers, order, p, groups


def _step_all(groups, surface: Surface, p: np.ndarray, g: np.ndarray, t: int, frozen: np.ndarray | None):
    """One step of every row: new points, their gradient, and which rows are out (None when all are in).

    Fresh arrays every step (rules never write in place), so the caller may keep references as its record.
    """
    parts = [gr.rule(p[gr.rows], g[gr.rows], gr.state, gr.h, t) for gr in groups]
    new = np.concatenate(parts) if len(parts) > 1 else parts[0]
    bad = None
    if frozen is not None or not np.abs(new).max() <= surface.bound:  # NaN fails <= too
        bad = ~(np.abs(new).max(axis=1) <= surface.bound)
        if frozen is not None:
            bad |= frozen
        new[bad] = p[bad]  # frozen where it last was, so its gradient stays finite
    return new, surface.grad_into(new, np.empty_like(new)), bad


def run_batch(configs: Sequence[tuple[str, dict]], surface: str | Surface, starts, steps: int) -> list[Trajectory]:
    """One Trajectory per config x start (starts (2,) or (B, 2)); gradients evaluated once per step for all."""
    surface = get_surface(surface) if isinstance(surface, str) else surface
    starts = np.atleast_2d(np.asarray(starts, dtype=np.float64))
    configs = [c for c in configs for _ in range(len(starts))]
    starts = np.tile(starts, (len(configs) // len(starts), 1))
    specs, hypers, order, p, groups = _prepare(configs, starts, steps)
    B = len(configs)
    diverged = np.full(B, steps + 1)
    dead = None
    with np.errstate(all="ignore"):
        g = surface.grad_into(p, np.empty_like(p))
        pts, grads = [p], [g]
        rec = {(k, n): [gr.state[n].copy()] for k, gr in enumerate(groups) for n in gr.names}
        for t in range(1, steps + 1):
            p, g, bad = _step_all(groups, surface, p, g, t, dead)
            if bad is not None:
                diverged[bad & (diverged > steps)] = t
                dead = bad
            pts.append(p)
            grads.append(g)
            for k, gr in enumerate(groups):
                for n in gr.names:
                    rec[k, n].append(gr.state[n])
            if dead is not None and dead.all():
                break
        last = len(pts) - 1
        pad = [np.full((steps - last, B, 2), np.nan)]
        stacked = {key: np.concatenate([np.stack(v), np.full((steps - last, *v[0].shape), np.nan)])
                   for key, v in rec.items()}
        return _trajectories(configs, specs, hypers, order, groups, surface, np.concatenate([np.stack(pts), *pad]),
                             np.concatenate([np.stack(grads), *pad]), stacked, diverged, last)


def _trajectories(configs, specs, hypers, order, groups, surface, pts, grads, rec, diverged, last) -> list[Trajectory]:
    """Unsort rows, blank everything from each run's divergence on, derive the effective step |dtheta| / |g|."""
    steps = pts.shape[0] - 1
    T = np.arange(steps + 1)[:, None]
    after = (T >= diverged[None, :]) | (T > last)
    pts[after], grads[after] = np.nan, np.nan
    eff = np.full_like(pts, np.nan)
    eff[1:] = np.abs(np.diff(pts, axis=0)) / np.abs(np.where(grads[:-1] != 0, grads[:-1], np.nan))
    losses = surface.value(pts)
    where = {int(order[r]): (k, r - gr.rows.start) for k, gr in enumerate(groups)
             for r in range(gr.rows.start, gr.rows.stop)}
    out = []
    for i in range(len(configs)):
        r = int(np.flatnonzero(order == i)[0])
        k, j = where[i]
        state = {}
        for n in specs[i].state_names:
            arr = eff[:, r] if n == "effective_lr" else rec[k, n][:, j]
            state[n] = np.where(after[:, r, None], np.nan, arr)
        d = int(diverged[r]) if diverged[r] <= steps else None
        out.append(Trajectory(configs[i][0], hypers[i], pts[:, r], losses[:, r], grads[:, r], state, d))
    return out


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
    _, _, order, p, groups = _prepare(configs, starts, steps)
    target = surface.value(surface.minima).min() if len(surface.minima) else -np.inf
    B = len(configs)
    dead = np.zeros(B, dtype=bool)
    reached = np.full(B, float(steps + 1))
    reached[surface.value(p) - target <= tol] = 0
    every = max(1, steps // 40)
    with np.errstate(all="ignore"):
        g = surface.grad_into(p, np.empty_like(p))
        for t in range(1, steps + 1):
            p, g, bad = _step_all(groups, surface, p, g, t, dead if dead.any() else None)
            if bad is not None:
                dead = bad
            alive = ~dead
            if metric == "steps_to_tol":
                hit = alive & (reached > steps) & (surface.value(p) - target <= tol)
                reached[hit] = t
            if progress and t % every == 0:
                progress(t / steps)
        final = surface.value(p)
    if progress:
        progress(1.0)
    if metric == "final_loss":
        out = np.where(~dead, final, np.inf)
    elif metric == "steps_to_tol":
        out = np.where(~dead | (reached <= steps), reached, np.inf)
    else:
        raise ValueError(f"Unknown metric {metric!r}; use 'final_loss' or 'steps_to_tol'.")
    unsorted = np.empty_like(out)
    unsorted[order] = out
    return unsorted.reshape(X.shape)
