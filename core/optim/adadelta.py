"""torch.optim.Adadelta in every form: batched rows, one run's floats, plugged-in LaTeX, step size.

delta = sqrt(acc_delta + eps) / sqrt(square_avg + eps) * g; p -= lr * delta (Zeiler's rule has lr = 1).
"""

from __future__ import annotations

from math import sqrt

import numpy as np
import torch

from core.optim.ops import ema_sq_pair, l2_pair, l2_rows
from core.optim.spec import OptimizerSpec, Rule
from core.optim.tex import GRAD, num, vec


def step(p, g, s, h, t, out=None):
    """Batched rows (B, 2)."""
    g = l2_rows(g, p, h)
    rho, w, eps = h["rho"], h["1-rho"], h["eps"]
    s["square_avg"] = s["square_avg"] * rho + w * g * g
    std = np.sqrt(s["square_avg"] + eps)
    delta = np.sqrt(s["acc_delta"] + eps) / std * g
    s["acc_delta"] = s["acc_delta"] * rho + w * delta * delta
    return np.subtract(p, h["lr"] * delta, out=out)


def step_py(p, g, s, h, t):
    """One run on floats."""
    g = l2_pair(g, p, h)
    rho, w, eps, lr, u = h["rho"], h["1-rho"], h["eps"], h["lr"], s["acc_delta"]
    v = s["square_avg"] = ema_sq_pair(s["square_avg"], g, rho, w)
    d = [sqrt(u[0] + eps) / sqrt(v[0] + eps) * g[0], sqrt(u[1] + eps) / sqrt(v[1] + eps) * g[1]]
    s["acc_delta"] = ema_sq_pair(u, d, rho, w)
    return [p[0] - lr * d[0], p[1] - lr * d[1]]


def plugged(L, traj, k, p, g, s, h, t):
    """Step k -> k+1 with the numbers."""
    rho, eps = h["rho"], h["eps"]
    v = L.add("v_t", r"\rho v_{t-1} + (1-\rho) g_t^2", rf"{num(rho)}\,{vec(s['square_avg'])} + {num(1 - rho)}\,"
              rf"{vec(g)}^2", s["square_avg"] * rho + (1 - rho) * g * g)
    d = L.add(r"\Delta_t", r"\frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t",
              rf"\frac{{\sqrt{{{vec(s['acc_delta'])} + {num(eps)}}}}}{{\sqrt{{{vec(v)} + {num(eps)}}}}}\,{vec(g)}",
              np.sqrt(s["acc_delta"] + eps) / np.sqrt(v + eps) * g)
    L.add("u_t", r"\rho u_{t-1} + (1-\rho)\Delta_t^2", rf"{num(rho)}\,{vec(s['acc_delta'])} + {num(1 - rho)}\,"
          rf"{vec(d)}^2", s["acc_delta"] * rho + (1 - rho) * d * d)
    return L.add(r"\theta_t", r"\theta_{t-1} - \gamma\Delta_t", rf"{vec(p)} - {num(h['lr'])}\,{vec(d)}",
                 p - h["lr"] * d)


def step_size(traj, t):
    """lr sqrt(u_{t-1} + eps) / sqrt(v_t + eps): the previous step's acc_delta over this step's square_avg."""
    h, s = traj.hyper, traj.state
    prev = np.vstack([np.full((1, 2), np.nan), s["acc_delta"][:-1]])
    return h["lr"] * np.sqrt(prev + h["eps"]) / np.sqrt(s["square_avg"] + h["eps"])


RULE = Rule(step, step_py, plugged, step_size, state={"square_avg": 0.0, "acc_delta": 0.0})

SPECS = (
    OptimizerSpec(
        "adadelta", "Adadelta", RULE, torch.optim.Adadelta, {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0.0},
        GRAD + r",\; v_t = \rho v_{t-1} + (1-\rho) g_t^2,\; \Delta_t = \frac{\sqrt{u_{t-1}+\epsilon}}"
        r"{\sqrt{v_t+\epsilon}} g_t,\; u_t = \rho u_{t-1} + (1-\rho)\Delta_t^2,\; "
        r"\theta_t = \theta_{t-1} - \gamma\Delta_t",
        "Zeiler's paper has no learning rate (lr = 1); torch keeps it as a multiplier. eps sits inside both roots.",
        ("square_avg", "acc_delta", "effective_lr"),
        step_tex=r"\gamma\,\frac{\sqrt{u_{t-1}+\epsilon}}{\sqrt{v_t+\epsilon}}", direction="g", second="rho",
    ),
)
