"""Optimizer trajectories: many torch.optim rules advanced together on one 2-D surface (`run`, `run_batch`).

>>> traj = run("adam", "beale", start=(1.0, 1.5), steps=500, lr=0.01)
>>> traj.points.shape, traj.losses.shape, traj.diverged_at
((501, 2), (501,), None)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.optim import float_loop
from core.optim.engine import Batch, ScheduledStepper, Stepper, inside, prepare
from core.optim.noise import GradientNoise
from core.optim.noise import validate as validate_noise
from core.optim.schedule_plan import Plan, plan
from core.optim.trajectory import Trajectory, trajectories
from core.surfaces.registry import get_surface
from core.surfaces.surface import Surface

MAX_PATHS = 64  # noisy runs per config and start (a bundle), enough for any picture
_CHECK_EVERY = 32  # steps between checks whether every run has already diverged (then the loop stops early)


def run(optimizer: str, surface: str | Surface, start=(1.0, 1.5), steps: int = 500, *, schedule=None, noise=None,
        seed: int = 0, **hyper) -> Trajectory:
    """A single run of `optimizer` on `surface` from `start` (torch hyper-parameter names, e.g. lr, betas)."""
    return run_batch([(optimizer, hyper)], surface, start, steps, schedule=schedule, noise=noise, seed=seed)[0]


def run_batch(configs: Sequence[tuple[str, dict]], surface: str | Surface, starts, steps: int, *, schedule=None,
              noise=None, seed: int = 0, paths: int = 1) -> list[Trajectory]:
    """One Trajectory per config x start (starts (2,) or (S, 2)) x path, in that order; one gradient call per step.

    schedule: (name, params) of core.optim.schedules.SCHEDULES for every config, or a list with one per config.
    noise: (kind, sigma) of core.optim.noise.NOISES; path k of every run draws from default_rng([seed, k]), so path 0
    is `run(..., seed=seed)` and `paths` > 1 gives a bundle of runs that differ only in their noise.
    """
    surface = get_surface(surface) if isinstance(surface, str) else surface
    starts = np.atleast_2d(np.asarray(starts, dtype=np.float64))
    if starts.ndim != 2 or starts.shape[1] != 2:
        raise ValueError("Start points must be pairs (x, y).")
    if isinstance(paths, bool) or not isinstance(paths, int | np.integer) or not 1 <= paths <= MAX_PATHS:
        raise ValueError(f"paths must be a whole number between 1 and {MAX_PATHS}, got {paths!r}.")
    per = len(starts) * paths
    rows = [c for c in configs for _ in range(per)]
    batch = prepare(rows, np.tile(np.repeat(starts, paths, axis=0), (len(configs), 1)), steps)
    scheduled = plan(schedule, batch, len(configs), per, steps)
    grad_into = _noisy(surface, noise, seed, batch.order % paths)
    with np.errstate(all="ignore"):
        points, grads, record, last = _loop(batch, surface, steps, grad_into, scheduled)
        return trajectories(rows, batch, surface, points, grads, record, last)


def _noisy(surface: Surface, noise, seed: int, path_of_row: np.ndarray):
    """The surface's grad_into, wrapped in seeded noise when noise = (kind, sigma) has sigma > 0."""
    if noise is None:
        return surface.grad_into
    kind, sigma = noise
    validate_noise(kind, sigma)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}.")
    return surface.grad_into if sigma == 0 else GradientNoise(surface.grad_into, kind, sigma,
                                                               [(seed, k) for k in path_of_row])


def _loop(batch: Batch, surface: Surface, steps: int, grad_into, scheduled: Plan | None):
    """Advance all rows; returns points and grads (T+1, B, 2), state records and the last step computed."""
    B = len(batch.order)
    # A race or a single run: Python floats beat NumPy's per-call cost. The float loop sets only the lr, so a
    # cycled momentum or a loss-driven lr (ReduceLROnPlateau) takes the batched form, which gives the same numbers.
    if B <= float_loop.MAX_ROWS and (scheduled is None or not scheduled.needs_arrays):
        return float_loop.loop(batch, surface.bound, steps, grad_into, None if scheduled is None else scheduled.lrs)
    points, grads = np.full((steps + 1, B, 2), np.nan), np.full((steps + 1, B, 2), np.nan)
    stepper = Stepper(batch.groups, batch.p0, grad_into) if scheduled is None else ScheduledStepper(
        batch.groups, batch.p0, grad_into, scheduled.lrs, scheduled.hypers, scheduled.plateau(surface.value))
    points[0], grads[0] = stepper.p[0], stepper.g[0]
    record = {(k, n): [gr.state[n].copy()] for k, gr in enumerate(batch.groups) for n in gr.recorded}
    appends = [(record[k, n].append, gr.state, n) for k, gr in enumerate(batch.groups) for n in gr.recorded]
    alive, last = np.ones(B, dtype=bool), steps
    for t in range(1, steps + 1):
        points[t], grads[t] = stepper.step(t)
        for append, state, name in appends:
            append(state[name])
        if t % _CHECK_EVERY == 0:
            alive &= inside(points[t - _CHECK_EVERY + 1:t + 1], surface.bound).all(axis=0)
            if not alive.any():
                last = t
                break
    return points, grads, {key: _pad(v, steps) for key, v in record.items()}, last


def _pad(rows: list, steps: int) -> np.ndarray:
    """Recorded states (len <= T+1 of (b, 2)) stacked into (T+1, b, 2), NaN beyond the last one."""
    out = np.full((steps + 1, *rows[0].shape), np.nan)
    out[: len(rows)] = rows
    return out
