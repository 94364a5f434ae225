"""One optimizer step with the numbers plugged in: LaTeX lines of the update rule and the point it lands on.

`plugged(traj, k)` rebuilds step k -> k+1 (torch's t = k + 1) of a Trajectory from its point, gradient and
recorded state, line by line in torch's operation order (each Rule's plugged form), so the final theta equals
the engine's next point. Vectors are (x, y) columns; products, quotients, squares and roots act per coordinate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.optim.recorded import used_grads
from core.optim.registry import get
from core.optim.tex import Lines, num, vec
from core.optim.trajectory import Trajectory


@dataclass(frozen=True)
class Plugged:
    """Step t = k + 1 of one run: LaTeX lines (rule, then numbers = value, aligned at &=) and the new point (2,)."""

    optimizer: str
    step: int
    lines: tuple[str, ...]
    result: np.ndarray


def _grad(L: Lines, traj: Trajectory, k: int) -> np.ndarray:
    """g_t as the rule sees it: the surface gradient, plus lambda theta for coupled (L2) weight decay."""
    g, raw, wd = used_grads(traj)[k + 1], traj.grads[k], traj.hyper.get("weight_decay", 0.0)
    if not np.array_equal(g, raw):
        return L.add("g_t", r"\nabla f(\theta_{t-1}) + \lambda\theta_{t-1}",
                     rf"{vec(raw)} + {num(wd)}\,{vec(traj.points[k])}", g)
    L.lines.append(rf"g_t &= \nabla f(\theta_{{t-1}}) = {vec(raw)}")
    return raw


def plugged(traj: Trajectory, k: int) -> Plugged:
    """Step k -> k+1 of traj (0 <= k < T, before any divergence) with every number substituted."""
    last = (traj.diverged_at or len(traj.points)) - 1
    if not 0 <= k < last:
        raise ValueError(f"Step {k} -> {k + 1} is not in this run (0 <= k < {last}).")
    L = Lines()
    g = _grad(L, traj, k)
    s = {n: v[k] for n, v in traj.state.items()}
    result = get(traj.optimizer).rule.plugged(L, traj, k, traj.points[k].copy(), g, s, traj.hyper, k + 1)
    return Plugged(traj.optimizer, k + 1, tuple(L.lines), np.asarray(result, dtype=np.float64))
