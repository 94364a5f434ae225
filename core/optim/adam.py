"""torch.optim.Adam and AdamW (Adam, AdamW, AMSGrad) in every form: batched rows, one run's floats, plugged-in LaTeX,
step size.

m = lerp(m, g, 1 - beta1), v = beta2 v + (1 - beta2) g^2 (AMSGrad: its running max); eps is added to the
bias-corrected sqrt(v), exactly as torch; AdamW shrinks theta by lr * wd instead of adding wd * theta to g.
"""

from __future__ import annotations

from math import sqrt

import numpy as np
import torch

from core.optim.ops import arr, ema_sq_pair, fmax, lerp_pair, lerp_rows
from core.optim.recorded import corrected_moments, max_exp_avg_sq
from core.optim.spec import ADAM_DEFAULTS, OptimizerSpec, Rule
from core.optim.tex import GRAD, moments, num, vec


def step(p, g, s, h, t, out=None):
    """Batched rows (B, 2)."""
    f = h["_f"]
    if "weight_decay" in h["_on"]:
        shrunk = p * arr(1 - f["lr"] * f["weight_decay"])
        if h["decoupled"].ndim == 0:
            p, g = (shrunk, g) if "decoupled" in h["_on"] else (p, g + h["weight_decay"] * p)
        else:
            decoupled = h["decoupled"] > 0
            p, g = np.where(decoupled, shrunk, p), np.where(decoupled, g, g + h["weight_decay"] * p)
    s["exp_avg"] = lerp_rows(s["exp_avg"], g, h, "1-beta1")
    s["exp_avg_sq"] = s["exp_avg_sq"] * h["beta2"] + h["1-beta2"] * g * g
    bc1, bc2 = 1 - f["beta1"] ** t, 1 - f["beta2"] ** t
    second = s["exp_avg_sq"]
    if "amsgrad" in h["_on"]:
        s["max_exp_avg_sq"] = np.maximum(s["max_exp_avg_sq"], s["exp_avg_sq"])
        second = s["max_exp_avg_sq"] if h["amsgrad"].ndim == 0 else np.where(h["amsgrad"] > 0, s["max_exp_avg_sq"],
                                                                             second)
    denom = np.sqrt(second) / arr(bc2**0.5) + h["eps"]
    return np.subtract(p, arr(f["lr"] / bc1) * (s["exp_avg"] / denom), out=out)


def step_py(p, g, s, h, t):
    """One run on floats."""
    lr, wd = h["lr"], h["weight_decay"]
    if wd:
        if h["decoupled"]:
            shrink = 1 - lr * wd
            p = [p[0] * shrink, p[1] * shrink]
        else:
            g = [g[0] + wd * p[0], g[1] + wd * p[1]]
    b2, eps = h["beta2"], h["eps"]
    m = s["exp_avg"] = lerp_pair(s["exp_avg"], g, h["1-beta1"])
    v = s["exp_avg_sq"] = ema_sq_pair(s["exp_avg_sq"], g, b2, h["1-beta2"])
    if h["amsgrad"]:
        u = s["max_exp_avg_sq"]
        v = s["max_exp_avg_sq"] = [fmax(u[0], v[0]), fmax(u[1], v[1])]
    c, step = (1 - b2**t) ** 0.5, lr / (1 - h["beta1"] ** t)
    return [p[0] - step * (m[0] / (sqrt(v[0]) / c + eps)), p[1] - step * (m[1] / (sqrt(v[1]) / c + eps))]


def plugged(L, traj, k, p, g, s, h, t):
    """Step k -> k+1 with the numbers."""
    b1, b2, lr, eps, wd = h["beta1"], h["beta2"], h["lr"], h["eps"], h["weight_decay"]
    if wd and h["decoupled"]:
        p = L.add(r"\tilde\theta", r"\theta_{t-1}(1 - \gamma\lambda)", rf"{vec(p)}\,(1 - {num(lr)}\cdot{num(wd)})",
                  p * (1 - lr * wd))
    m, v = moments(L, s, g, h)
    bc1, bc2 = 1 - b1**t, 1 - b2**t
    second = v
    if h["amsgrad"]:
        second = L.add(r"v^{max}_t", r"\max(v^{max}_{t-1}, v_t)", rf"\max({vec(max_exp_avg_sq(traj)[k])}, {vec(v)})",
                       np.maximum(max_exp_avg_sq(traj)[k], v))
    mh = L.add(r"\hat m_t", r"m_t / (1-\beta_1^t)", rf"{vec(m)} / (1 - {num(b1)}^{{{t}}})", m / bc1)
    vh = L.add(r"\hat v_t", r"v_t / (1-\beta_2^t)", rf"{vec(second)} / (1 - {num(b2)}^{{{t}}})", second / bc2)
    start = r"\tilde\theta" if wd and h["decoupled"] else r"\theta_{t-1}"
    return L.add(r"\theta_t", start + r" - \gamma\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}",
                 rf"{vec(p)} - {num(lr)}\,\frac{{{vec(mh)}}}{{\sqrt{{{vec(vh)}}} + {num(eps)}}}",
                 p - (lr / bc1) * (m / (np.sqrt(second) / bc2**0.5 + eps)))


def step_size(traj, t):
    """lr / (sqrt(v_hat) + eps), v_hat from AMSGrad's running max where the run uses it."""
    h = traj.hyper
    return h["lr"] / (np.sqrt(corrected_moments(traj, ("v_hat",))["v_hat"]) + h["eps"])


RULE = Rule(step, step_py, plugged, step_size, state={"exp_avg": 0.0, "exp_avg_sq": 0.0, "max_exp_avg_sq": 0.0},
            corrected=("m_hat", "v_hat"))
_TEX = (
    GRAD + r",\; m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\; v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\"
    r"\theta_t = \theta_{t-1} - \frac{\gamma}{1-\beta_1^t}\,\frac{m_t}{\sqrt{%s}/\sqrt{1-\beta_2^t} + \epsilon}"
)
_STEP = r"\frac{\gamma}{\sqrt{\hat v_t}+\epsilon}"
_STATE = ("exp_avg", "exp_avg_sq", "effective_lr")

SPECS = (
    OptimizerSpec(
        "adam", "Adam", RULE, torch.optim.Adam, dict(ADAM_DEFAULTS), _TEX % "v_t",
        "eps is added to the bias-corrected sqrt(v), exactly as torch does; the paper's epsilon-hat variant "
        "differs only in the first steps.",
        _STATE, step_tex=_STEP, direction="m_hat", second="beta1", fixed={"amsgrad": False, "decoupled": False},
    ),
    OptimizerSpec(
        "adamw", "AdamW", RULE, torch.optim.AdamW, {**ADAM_DEFAULTS, "weight_decay": 1e-2},
        r"\theta \leftarrow \theta(1-\gamma\lambda),\; " + (_TEX % "v_t").replace(r" + \lambda\theta_{t-1}", ""),
        "Weight decay is decoupled: parameters shrink by lr*wd each step instead of adding wd*theta to g.",
        _STATE, step_tex=_STEP, direction="m_hat", second="beta1", fixed={"amsgrad": False, "decoupled": True},
    ),
    OptimizerSpec(
        "amsgrad", "AMSGrad", RULE, torch.optim.Adam, dict(ADAM_DEFAULTS), _TEX % r"\hat v^{max}_t",
        "Adam with the running maximum of v in the denominator, so the effective step never grows.",
        _STATE, step_tex=r"\frac{\gamma}{\sqrt{\max_{i\le t} v_i/(1-\beta_2^t)}+\epsilon}", direction="m_hat",
        second="beta1", fixed={"amsgrad": True, "decoupled": False},
    ),
)
