"""Nesterov's look-ahead, made visible: one momentum step in the classic picture, every point exact.

torch's SGD(nesterov=True) never evaluates a gradient away from its iterate: it steps theta -= lr (g + mu b) with
b = mu b + g. In the classic (Sutskever et al.) form phi -= ..., v = mu v - lr grad f(phi + mu v), the look-ahead
point phi + mu v is exactly torch's theta, so torch's iterates ARE the look-ahead points and the classic iterate is
phi_k = theta_k + lr mu b_k. `lookahead` rebuilds both constructions from a Trajectory (momentum or Nesterov) at
step k: the momentum jump, the look-ahead point, the gradients at the look-ahead and at the anchor, and where
the Nesterov step and the plain (heavy-ball) step land.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.optim.recorded import velocity
from core.optim.trajectory import Trajectory
from core.surfaces.surface import Surface


@dataclass(frozen=True)
class LookAhead:
    """Step k -> k+1 in the classic picture; every field is a point or vector (2,) in parameter space."""

    nesterov: bool  # the run's own rule; its landing point is torch's next iterate (or classic iterate)
    anchor: np.ndarray  # phi_k, where the classic iterate stands
    jump: np.ndarray  # mu v_k = -lr mu b_k, the momentum carried over
    look: np.ndarray  # anchor + jump, the look-ahead point
    grad_look: np.ndarray  # gradient at the look-ahead point
    grad_here: np.ndarray  # gradient at the anchor
    nesterov_next: np.ndarray  # look - lr grad_look: the Nesterov step from this state
    plain_next: np.ndarray  # look - lr grad_here: the heavy-ball step from this state
    theta: np.ndarray  # torch's iterate theta_k
    theta_next: np.ndarray  # torch's iterate theta_{k+1}


def lookahead(traj: Trajectory, surface: Surface, k: int) -> LookAhead:
    """The classic construction of step k -> k+1 of a momentum or Nesterov run (0 <= k < T, momentum > 0)."""
    h = traj.hyper
    mu, lr, wd = h.get("momentum", 0.0), h["lr"], h.get("weight_decay", 0.0)
    if traj.optimizer not in ("sgd", "momentum", "nesterov") or mu <= 0:
        raise ValueError("The look-ahead picture needs SGD with momentum > 0 (Momentum or Nesterov).")
    last = (traj.diverged_at or len(traj.points)) - 1
    if not 0 <= k < last:
        raise ValueError(f"Step {k} -> {k + 1} is not in this run (0 <= k < {last}).")
    c = 1.0 if k == 0 else 1.0 - h.get("dampening", 0.0)  # torch's first buffer is g itself, undamped

    def grad(p: np.ndarray) -> np.ndarray:
        return surface.grad(p) + wd * p

    theta, b = traj.points[k], velocity(traj)[k]
    jump = -lr * mu * b
    if h.get("nesterov"):
        anchor, look = theta - jump, theta.copy()  # torch's theta is the look-ahead point
    else:
        anchor, look = theta.copy(), theta + jump
    used = traj.grads[k] + wd * theta  # the gradient the run took (noisy, if gradient noise was on)
    g_look, g_here = (used, grad(anchor)) if h.get("nesterov") else (grad(look), used)
    return LookAhead(bool(h.get("nesterov")), anchor, jump, look, g_look, g_here, look - lr * c * g_look,
                     look - lr * c * g_here, theta.copy(), traj.points[k + 1].copy())
