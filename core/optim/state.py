"""An optimizer's state over time, derived from a Trajectory: bias-corrected moments and effective step sizes.

Row r of every array is "after step r" (row 0: before the first step, NaN where undefined), so row r lines up
with traj.points[r]. The effective step size is the per-coordinate factor the rule multiplies its direction by
(the spec's `direction`: the gradient, the velocity, Adam's m_hat, or sign(g)); each rule computes it from its
recorded state and hyper-parameters exactly as torch's step computes its denominator, not from |dtheta| / |g|.
"""

from __future__ import annotations

import numpy as np

from core.optim.recorded import corrected_moments, max_exp_avg_sq, steps, velocity
from core.optim.registry import get
from core.optim.trajectory import Trajectory


def bias_corrected(traj: Trajectory) -> dict[str, np.ndarray]:
    """m_hat = m / (1 - beta1^t) and v_hat = v / (1 - beta2^t), (T+1, 2) each, NaN at row 0, where the rule uses them.

    Only the corrections the rule itself applies: Adamax has no v_hat (its u is a max), NAdam no m_hat (its
    first moment is corrected by the momentum-schedule product instead); rules without moments return {}.
    """
    return corrected_moments(traj, get(traj.optimizer).rule.corrected)


def step_size(traj: Trajectory) -> np.ndarray:
    """Effective per-coordinate step size (T+1, 2) of each step (row r: step r; NaN at row 0), from the state.

    delta theta = -step_size * direction, direction per the spec (for NAdam the factor shared by both terms).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        out = get(traj.optimizer).rule.step_size(traj, steps(traj))
    out = np.where(np.isnan(traj.points), np.nan, np.asarray(out, dtype=np.float64))  # blanked as the points
    out[0] = np.nan
    return out


def series(traj: Trajectory) -> dict[str, np.ndarray]:
    """Everything to plot against step (T+1, 2) each: the recorded buffers, their bias-corrected forms, and the
    effective step size as "eff_step" (Rprop's recorded step_size is that very quantity, so it appears once)."""
    out = {n: v for n, v in traj.state.items() if n not in ("effective_lr", "step_size")}
    if traj.hyper.get("momentum", 0.0) > 0 and traj.optimizer == "sgd":
        out["velocity"] = velocity(traj)
    if traj.hyper.get("amsgrad"):
        out["max_exp_avg_sq"] = max_exp_avg_sq(traj)
    return out | bias_corrected(traj) | {"eff_step": step_size(traj)}
