"""torch.optim.RAdam in every form: batched rows, one run's floats, plugged-in LaTeX, step size.

Adam with the variance rectification r_t once rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t) exceeds 5; before
that the variance estimate is not trusted and the step is plain momentum, lr m_hat.
"""

from __future__ import annotations

from math import sqrt

import numpy as np
import torch

from core.optim.ops import arr, ema_sq_pair, l2_pair, l2_rows, lerp_pair, lerp_rows
from core.optim.spec import ADAM_DEFAULTS, OptimizerSpec, Rule
from core.optim.tex import moments, num, vec


def step(p, g, s, h, t, out=None):
    """Batched rows (B, 2)."""
    g = l2_rows(g, p, h)
    f = h["_f"]
    b2, lr = f["beta2"], h["lr"]
    s["exp_avg"] = lerp_rows(s["exp_avg"], g, h, "1-beta1")
    s["exp_avg_sq"] = s["exp_avg_sq"] * h["beta2"] + h["1-beta2"] * g * g
    bc1, bc2 = 1 - f["beta1"] ** t, 1 - b2**t
    m_hat = s["exp_avg"] / arr(bc1)
    rho_inf = 2 / (1 - b2) - 1
    rho_t = rho_inf - 2 * t * (b2**t) / bc2
    plain = m_hat * lr
    if rho_t.__class__ is float and rho_t <= 5.0:
        return np.subtract(p, plain, out=out)
    with np.errstate(invalid="ignore", divide="ignore"):
        rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        adaptive = arr(bc2**0.5) / (np.sqrt(s["exp_avg_sq"]) + h["eps"])
    rectified = plain * adaptive * arr(rect)
    return np.subtract(p, rectified if rho_t.__class__ is float else np.where(rho_t > 5.0, rectified, plain), out=out)


def step_py(p, g, s, h, t):
    """One run on floats."""
    g = l2_pair(g, p, h)
    b2, lr, eps = h["beta2"], h["lr"], h["eps"]
    m = s["exp_avg"] = lerp_pair(s["exp_avg"], g, h["1-beta1"])
    v = s["exp_avg_sq"] = ema_sq_pair(s["exp_avg_sq"], g, b2, h["1-beta2"])
    bc1, bc2 = 1 - h["beta1"] ** t, 1 - b2**t
    q0, q1 = m[0] / bc1 * lr, m[1] / bc1 * lr
    rho_inf = 2 / (1 - b2) - 1
    rho_t = rho_inf - 2 * t * (b2**t) / bc2
    if rho_t <= 5.0:
        return [p[0] - q0, p[1] - q1]
    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
    c = bc2**0.5
    return [p[0] - q0 * (c / (sqrt(v[0]) + eps)) * rect, p[1] - q1 * (c / (sqrt(v[1]) + eps)) * rect]


def plugged(L, traj, k, p, g, s, h, t):
    """Step k -> k+1 with the numbers."""
    b1, b2, lr, eps = h["beta1"], h["beta2"], h["lr"], h["eps"]
    m, v = moments(L, s, g, h)
    bc2 = 1 - b2**t
    mh = L.add(r"\hat m_t", r"m_t / (1-\beta_1^t)", rf"{vec(m)} / (1 - {num(b1)}^{{{t}}})", m / (1 - b1**t))
    rho_inf = 2 / (1 - b2) - 1
    rho = L.add(r"\rho_t", r"\rho_\infty - \frac{2t\beta_2^t}{1-\beta_2^t}",
                rf"{num(rho_inf)} - \frac{{2\cdot{t}\cdot{num(b2)}^{{{t}}}}}{{1 - {num(b2)}^{{{t}}}}}",
                rho_inf - 2 * t * (b2**t) / bc2)
    if rho <= 5.0:
        return L.add(r"\theta_t", r"\theta_{t-1} - \gamma\hat m_t \quad (\rho_t \le 5)",
                     rf"{vec(p)} - {num(lr)}\,{vec(mh)}", p - mh * lr)
    r = L.add("r_t", r"\sqrt{\frac{(\rho_t-4)(\rho_t-2)\rho_\infty}{(\rho_\infty-4)(\rho_\infty-2)\rho_t}}",
              rf"\sqrt{{\frac{{({num(rho)}-4)({num(rho)}-2)\,{num(rho_inf)}}}{{({num(rho_inf)}-4)({num(rho_inf)}-2)"
              rf"\,{num(rho)}}}}}", ((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho)) ** 0.5)
    return L.add(r"\theta_t", r"\theta_{t-1} - \gamma\hat m_t\, r_t\frac{\sqrt{1-\beta_2^t}}{\sqrt{v_t} + \epsilon}",
                 rf"{vec(p)} - {num(lr)}\,{vec(mh)}\,{num(r)}\,\frac{{\sqrt{{1 - {num(b2)}^{{{t}}}}}}}"
                 rf"{{\sqrt{{{vec(v)}}} + {num(eps)}}}", p - mh * lr * (bc2**0.5 / (np.sqrt(v) + eps)) * r)


def step_size(traj, t):
    """The factor on m_hat: lr r_t sqrt(1 - beta2^t) / (sqrt(v) + eps) once rho_t > 5, lr before."""
    h = traj.hyper
    b2 = h["beta2"]
    bc2 = 1 - b2**t
    rho_inf = 2 / (1 - b2) - 1
    rho_t = rho_inf - 2 * t * b2**t / bc2
    rect = np.sqrt(np.maximum((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t), 0))
    adaptive = h["lr"] * rect * np.sqrt(bc2) / (np.sqrt(traj.state["exp_avg_sq"]) + h["eps"])
    return np.where(rho_t > 5.0, adaptive, h["lr"] + 0 * adaptive)


RULE = Rule(step, step_py, plugged, step_size, state={"exp_avg": 0.0, "exp_avg_sq": 0.0},
            corrected=("m_hat", "v_hat"))

SPECS = (
    OptimizerSpec(
        "radam", "RAdam", RULE, torch.optim.RAdam, dict(ADAM_DEFAULTS),
        r"\rho_t = \rho_\infty - \frac{2t\beta_2^t}{1-\beta_2^t};\; s_t = "
        r"\begin{cases} r_t\,\sqrt{1-\beta_2^t}/(\sqrt{v_t}+\epsilon) & \rho_t > 5 \\ "
        r"1 & \text{otherwise}\end{cases};\; \theta_t = \theta_{t-1} - \gamma\,\hat m_t\, s_t",
        "Until the variance estimate is trustworthy (rho_t <= 5) RAdam takes plain momentum steps.",
        ("exp_avg", "exp_avg_sq", "effective_lr"),
        step_tex=r"\gamma\, r_t \frac{\sqrt{1-\beta_2^t}}{\sqrt{v_t}+\epsilon}\ (\rho_t > 5),\ \text{else}\ \gamma",
        direction="m_hat", second="beta1",
    ),
)
