"""torch.optim.Adamax in every form: batched rows, one run's floats, plugged-in LaTeX, step size.

Adam's infinity-norm variant: u = max(beta2 u, |g| + eps) replaces sqrt(v); only m is bias-corrected.
"""

from __future__ import annotations

import numpy as np
import torch

from core.optim.ops import arr, fmax, l2_pair, l2_rows, lerp_pair, lerp_rows
from core.optim.spec import ADAM_DEFAULTS, OptimizerSpec, Rule
from core.optim.tex import GRAD, moments, num, vec


def step(p, g, s, h, t, out=None):
    """Batched rows (B, 2)."""
    g = l2_rows(g, p, h)
    f = h["_f"]
    s["exp_avg"] = lerp_rows(s["exp_avg"], g, h, "1-beta1")
    s["exp_inf"] = np.maximum(s["exp_inf"] * h["beta2"], np.abs(g) + h["eps"])
    clr = f["lr"] / (1 - f["beta1"] ** t)
    return np.subtract(p, arr(clr) * (s["exp_avg"] / s["exp_inf"]), out=out)


def step_py(p, g, s, h, t):
    """One run on floats."""
    g = l2_pair(g, p, h)
    b2, eps, u = h["beta2"], h["eps"], s["exp_inf"]
    m = s["exp_avg"] = lerp_pair(s["exp_avg"], g, h["1-beta1"])
    u = s["exp_inf"] = [fmax(u[0] * b2, abs(g[0]) + eps), fmax(u[1] * b2, abs(g[1]) + eps)]
    clr = h["lr"] / (1 - h["beta1"] ** t)
    return [p[0] - clr * (m[0] / u[0]), p[1] - clr * (m[1] / u[1])]


def plugged(L, traj, k, p, g, s, h, t):
    """Step k -> k+1 with the numbers."""
    b1, b2, eps = h["beta1"], h["beta2"], h["eps"]
    m, _ = moments(L, {"exp_avg": s["exp_avg"]}, g, h)
    u = L.add("u_t", r"\max(\beta_2 u_{t-1}, |g_t| + \epsilon)", rf"\max({num(b2)}\,{vec(s['exp_inf'])}, "
              rf"|{vec(g)}| + {num(eps)})", np.maximum(s["exp_inf"] * b2, np.abs(g) + eps))
    clr = h["lr"] / (1 - b1**t)
    return L.add(r"\theta_t", r"\theta_{t-1} - \frac{\gamma}{1-\beta_1^t}\frac{m_t}{u_t}",
                 rf"{vec(p)} - \frac{{{num(h['lr'])}}}{{1 - {num(b1)}^{{{t}}}}}\,\frac{{{vec(m)}}}{{{vec(u)}}}",
                 p - clr * (m / u))


def step_size(traj, t):
    """lr / u: the factor on m_hat."""
    return traj.hyper["lr"] / traj.state["exp_inf"]


RULE = Rule(step, step_py, plugged, step_size, state={"exp_avg": 0.0, "exp_inf": 0.0}, corrected=("m_hat",))

SPECS = (
    OptimizerSpec(
        "adamax", "Adamax", RULE, torch.optim.Adamax, {**ADAM_DEFAULTS, "lr": 2e-3},
        GRAD + r",\; m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\; u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon),\;"
        r"\theta_t = \theta_{t-1} - \frac{\gamma}{1-\beta_1^t}\frac{m_t}{u_t}",
        "The infinity-norm variant of Adam; torch adds eps to |g| inside the max.",
        ("exp_avg", "exp_inf", "effective_lr"), step_tex=r"\frac{\gamma}{u_t}", direction="m_hat", second="beta1",
    ),
)
