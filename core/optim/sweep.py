"""Hyper-parameter sweeps: a grid of settings of one optimizer run as one batch, reduced to one number each."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from core.optim.engine import advance, inside, prepare
from core.surfaces.registry import get_surface
from core.surfaces.surface import Surface

METRICS = ("final_loss", "steps_to_tol")


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
    """Z (len(y), len(x)): Z[i, j] is the metric of the run with x=x[1][j], y=y[1][i]; one batch of all runs.

    metric "final_loss": the loss after `steps` steps, inf if the run diverged (see core.optim.trajectory).
    metric "steps_to_tol": the first step whose loss is within `tol` of the surface's lowest known minimum
    (0 if the start already is), steps + 1 if it never gets there, inf if it diverged before getting there.
    Other hyper-parameters come from **hyper (torch names) or the optimizer's defaults. `progress`, if given,
    is called with the fraction done about 40 times.
    """
    if metric not in METRICS:
        raise ValueError(f"Unknown metric {metric!r}; use 'final_loss' or 'steps_to_tol'.")
    surface = get_surface(surface) if isinstance(surface, str) else surface
    (xn, xv), (yn, yv) = x, y
    X, Y = np.meshgrid(np.asarray(xv, dtype=float), np.asarray(yv, dtype=float))
    configs = [(optimizer, {**hyper, xn: a, yn: b}) for a, b in zip(X.ravel(), Y.ravel(), strict=True)]
    batch = prepare(configs, np.tile(np.asarray(start, dtype=float), (len(configs), 1)), steps)
    with np.errstate(all="ignore"):
        out = _run(batch, surface, steps, metric, tol, progress)
    unsorted = np.empty_like(out)
    unsorted[batch.order] = out
    return unsorted.reshape(X.shape)


def _run(batch, surface: Surface, steps: int, metric: str, tol: float, progress) -> np.ndarray:
    """The metric per row (row order)."""
    target = surface.value(surface.minima).min() if len(surface.minima) else -np.inf
    p, q = batch.p0.copy(), np.empty_like(batch.p0)
    g = surface.grad_into(p, np.empty_like(p))
    peak = np.abs(p)  # running max of |p|; NaN sticks, so a non-finite run stays out
    reached = np.where(surface.value(p) - target <= tol, 0.0, float(steps + 1))
    every = max(1, steps // 40)
    for t in range(1, steps + 1):
        advance(batch.groups, p, g, t, q)
        p, q = q, p
        surface.grad_into(p, g)
        np.maximum(peak, np.abs(p), out=peak)
        if metric == "steps_to_tol":
            hit = (reached > steps) & inside(peak, surface.bound) & (surface.value(p) - target <= tol)
            reached[hit] = t
        if progress is not None and t % every == 0:
            progress(t / steps)
    if progress is not None:
        progress(1.0)
    alive = inside(peak, surface.bound)
    if metric == "final_loss":
        return np.where(alive, surface.value(p), np.inf)
    return np.where(alive | (reached <= steps), reached, np.inf)
