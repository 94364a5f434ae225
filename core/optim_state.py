"""An optimizer's state over time, derived from a Trajectory: bias-corrected moments and effective step sizes.

Row r of every array is "after step r" (row 0: before the first step, NaN where undefined), so row r lines up
with traj.points[r]. The effective step size is the per-coordinate factor the rule multiplies its direction by
(DIRECTION names it: the gradient, the velocity, Adam's m_hat, or sign(g)); it is computed from the optimizer's
recorded state and hyper-parameters, exactly as torch's step computes its denominator, not from |dtheta| / |g|.
State torch keeps but the Trajectory does not record (AMSGrad's running max, centered RMSprop's mean gradient)
is rebuilt from the recorded moments and gradients with torch's own recurrences.
"""

from __future__ import annotations

import numpy as np

from core.optimizers import Trajectory

ADAM_FAMILY = ("adam", "adamw", "amsgrad", "adamax", "nadam", "radam")
# What the effective step size multiplies in each rule: delta theta = -step_size * direction (per coordinate).
DIRECTION = {
    "sgd": "g", "momentum": "b", "nesterov": "g + mu b", "adagrad": "g", "adadelta": "g", "rmsprop": "g",
    "adam": "m_hat", "adamw": "m_hat", "amsgrad": "m_hat", "adamax": "m_hat", "nadam": "Nesterov mix of g and m",
    "radam": "m_hat", "rprop": "sign(g)",
}
STEP_SIZE_TEX = {
    "sgd": r"\gamma", "momentum": r"\gamma", "nesterov": r"\gamma",
    "adagrad": r"\frac{\gamma}{1+(t-1)\eta}\,\frac{1}{\sqrt{s_t}+\epsilon}",
    "adadelta": r"\gamma\,\frac{\sqrt{u_{t-1}+\epsilon}}{\sqrt{v_t+\epsilon}}",
    "rmsprop": r"\frac{\gamma}{\sqrt{v_t}+\epsilon}",
    "adam": r"\frac{\gamma}{\sqrt{\hat v_t}+\epsilon}", "adamw": r"\frac{\gamma}{\sqrt{\hat v_t}+\epsilon}",
    "amsgrad": r"\frac{\gamma}{\sqrt{\max_{i\le t} v_i/(1-\beta_2^t)}+\epsilon}",
    "adamax": r"\frac{\gamma}{u_t}", "nadam": r"\frac{\gamma}{\sqrt{\hat v_t}+\epsilon}",
    "radam": r"\gamma\, r_t \frac{\sqrt{1-\beta_2^t}}{\sqrt{v_t}+\epsilon}\ (\rho_t > 5),\ \text{else}\ \gamma",
    "rprop": r"\eta_t",
}


def steps(traj: Trajectory) -> np.ndarray:
    """Step counter t (T+1, 1) as float: row r was produced by step t = r."""
    return np.arange(len(traj.points), dtype=np.float64)[:, None]


def used_grads(traj: Trajectory) -> np.ndarray:
    """The gradient each step fed into its moments (T+1, 2): row r is g_r = grad(theta_{r-1}) (+ wd theta for L2)."""
    g = np.full_like(traj.grads, np.nan)
    wd = traj.hyper.get("weight_decay", 0.0)
    coupled = not traj.hyper.get("decoupled") and traj.optimizer != "rprop"  # AdamW decays theta; Rprop: none
    g[1:] = traj.grads[:-1] + (wd * traj.points[:-1] if coupled and wd else 0.0)
    return g


def _lerp(a: np.ndarray, b: np.ndarray, w: float) -> np.ndarray:
    """torch.lerp's two forms (it switches at w = 0.5)."""
    return a + w * (b - a) if w < 0.5 else b - (b - a) * (1 - w)


def grad_avg(traj: Trajectory) -> np.ndarray:
    """Centered RMSprop's running mean gradient (T+1, 2), rebuilt with torch's lerp (row 0 = zeros)."""
    g, w = used_grads(traj), 1 - traj.hyper["alpha"]
    out = np.zeros_like(g)
    for r in range(1, len(g)):
        out[r] = _lerp(out[r - 1], g[r], w)
    return out


def velocity(traj: Trajectory) -> np.ndarray:
    """SGD's momentum buffer b (T+1, 2): the recorded one, or rebuilt (plain "sgd" with momentum > 0 keeps none)."""
    if "velocity" in traj.state:
        return traj.state["velocity"]
    g, mu, tau = used_grads(traj), traj.hyper.get("momentum", 0.0), traj.hyper.get("dampening", 0.0)
    out = np.zeros_like(g)
    for r in range(1, len(g)):
        out[r] = g[r] if r == 1 else mu * out[r - 1] + ((1 - tau) * g[r] if tau else g[r])
    return out


def max_exp_avg_sq(traj: Trajectory) -> np.ndarray:
    """AMSGrad's running maximum of exp_avg_sq (T+1, 2): torch's max_exp_avg_sq after each step."""
    v = traj.state["exp_avg_sq"]
    return np.where(np.isnan(v), np.nan, np.fmax.accumulate(v, axis=0))  # fmax skips NaN; keep the blanking


def _second(traj: Trajectory) -> np.ndarray:
    """The second moment the rule divides by (exp_avg_sq, or its running max for AMSGrad)."""
    return max_exp_avg_sq(traj) if traj.hyper.get("amsgrad") else traj.state["exp_avg_sq"]


def bias_corrected(traj: Trajectory) -> dict[str, np.ndarray]:
    """Adam family: m_hat = m / (1 - beta1^t) and v_hat = v / (1 - beta2^t), (T+1, 2) each, NaN at row 0.

    Only the corrections the rule itself applies: Adamax has no v_hat (its u is a max), NAdam no m_hat (its
    first moment is corrected by the momentum-schedule product instead); other optimizers return {}.
    """
    name, h, t = traj.optimizer, traj.hyper, steps(traj)
    if name not in ADAM_FAMILY:
        return {}
    out = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        if name != "nadam":
            out["m_hat"] = traj.state["exp_avg"] / (1 - h["beta1"] ** t)
        if name != "adamax":
            out["v_hat"] = _second(traj) / (1 - h["beta2"] ** t)
    for v in out.values():
        v[0] = np.nan
    return out


def _radam(traj: Trajectory, t: np.ndarray) -> np.ndarray:
    """RAdam's factor on m_hat: lr * r_t * sqrt(1 - beta2^t) / (sqrt(v) + eps) once rho_t > 5, lr before."""
    h = traj.hyper
    b2 = h["beta2"]
    bc2 = 1 - b2**t
    rho_inf = 2 / (1 - b2) - 1
    rho_t = rho_inf - 2 * t * b2**t / bc2
    rect = np.sqrt(np.maximum((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t), 0))
    adaptive = h["lr"] * rect * np.sqrt(bc2) / (np.sqrt(traj.state["exp_avg_sq"]) + h["eps"])
    return np.where(rho_t > 5.0, adaptive, h["lr"] + 0 * adaptive)


def step_size(traj: Trajectory) -> np.ndarray:
    """Effective per-coordinate step size (T+1, 2) of each step (row r: step r; NaN at row 0), from the state.

    delta theta = -step_size * direction, direction per DIRECTION (for NAdam the factor shared by both terms).
    """
    name, h, s, t = traj.optimizer, traj.hyper, traj.state, steps(traj)
    lr, eps = h["lr"], h.get("eps", 0.0)
    nan = np.isnan(traj.points)  # divergence blanking follows the points
    with np.errstate(divide="ignore", invalid="ignore"):
        if name in ("sgd", "momentum", "nesterov"):
            out = np.full_like(traj.points, lr)
        elif name == "adagrad":
            out = lr / (1 + (t - 1) * h["lr_decay"]) / (np.sqrt(s["sum"]) + eps)
        elif name == "adadelta":
            prev = np.vstack([np.full((1, 2), np.nan), s["acc_delta"][:-1]])
            out = lr * np.sqrt(prev + eps) / np.sqrt(s["square_avg"] + eps)
        elif name == "rmsprop":
            var = s["square_avg"] - grad_avg(traj) ** 2 if h["centered"] else s["square_avg"]
            out = lr / (np.sqrt(var) + eps)
        elif name in ("adam", "adamw", "amsgrad", "nadam"):
            out = lr / (np.sqrt(bias_corrected(traj)["v_hat"]) + eps)
        elif name == "adamax":
            out = lr / s["exp_inf"]
        elif name == "radam":
            out = _radam(traj, t)
        elif name == "rprop":
            out = s["step_size"].copy()
        else:
            raise ValueError(f"No effective step size known for {name!r}.")
    out = np.where(nan, np.nan, np.asarray(out, dtype=np.float64))
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
