"""State torch keeps that a Trajectory does not record, rebuilt from what it does record, with torch's recurrences.

Row r of every array is "after step r" (row 0: before the first step), lined up with traj.points[r].
"""

from __future__ import annotations

import numpy as np

from core.optim.ops import lerp


def steps(traj) -> np.ndarray:
    """Step counter t (T+1, 1) as float: row r was produced by step t = r."""
    return np.arange(len(traj.points), dtype=np.float64)[:, None]


def used_grads(traj) -> np.ndarray:
    """The gradient each step fed into its moments (T+1, 2): row r is g_r = grad(theta_{r-1}) (+ wd theta for L2)."""
    g = np.full_like(traj.grads, np.nan)
    wd = traj.hyper.get("weight_decay", 0.0)
    coupled = not traj.hyper.get("decoupled") and traj.optimizer != "rprop"  # AdamW decays theta; Rprop: none
    g[1:] = traj.grads[:-1] + (wd * traj.points[:-1] if coupled and wd else 0.0)
    return g


def grad_avg(traj) -> np.ndarray:
    """Centered RMSprop's running mean gradient (T+1, 2), rebuilt with torch's lerp (row 0 = zeros)."""
    g, w = used_grads(traj), 1 - traj.hyper["alpha"]
    out = np.zeros_like(g)
    for r in range(1, len(g)):
        out[r] = lerp(out[r - 1], g[r], w)
    return out


def velocity(traj) -> np.ndarray:
    """SGD's momentum buffer b (T+1, 2): the recorded one, or rebuilt (plain "sgd" with momentum > 0 keeps none)."""
    if "velocity" in traj.state:
        return traj.state["velocity"]
    g, mu, tau = used_grads(traj), traj.hyper.get("momentum", 0.0), traj.hyper.get("dampening", 0.0)
    out = np.zeros_like(g)
    for r in range(1, len(g)):
        out[r] = g[r] if r == 1 else mu * out[r - 1] + ((1 - tau) * g[r] if tau else g[r])
    return out


def max_exp_avg_sq(traj) -> np.ndarray:
    """AMSGrad's running maximum of exp_avg_sq (T+1, 2): torch's max_exp_avg_sq after each step."""
    v = traj.state["exp_avg_sq"]
    return np.where(np.isnan(v), np.nan, np.fmax.accumulate(v, axis=0))  # fmax skips NaN; keep the blanking


def corrected_moments(traj, corrected: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The bias-corrected moments a rule divides by ("m_hat" = m / (1 - beta1^t), "v_hat" = v / (1 - beta2^t)),
    (T+1, 2) each, NaN at row 0; v is AMSGrad's running max where the run uses it."""
    h, t, out = traj.hyper, steps(traj), {}
    with np.errstate(divide="ignore", invalid="ignore"):
        if "m_hat" in corrected:
            out["m_hat"] = traj.state["exp_avg"] / (1 - h["beta1"] ** t)
        if "v_hat" in corrected:
            second = max_exp_avg_sq(traj) if h.get("amsgrad") else traj.state["exp_avg_sq"]
            out["v_hat"] = second / (1 - h["beta2"] ** t)
    for v in out.values():
        v[0] = np.nan
    return out
