"""torch.optim.RMSprop in every form: batched rows, one run's floats, plugged-in LaTeX, step size.

v = alpha v + (1 - alpha) g^2 (minus the squared mean gradient when centered); eps is added outside the root;
with momentum, buf = momentum buf + g / (sqrt(v) + eps) and the step is lr buf.
"""

from __future__ import annotations

from math import sqrt

import numpy as np
import torch

from core.optim.ops import ema_sq_pair, l2_pair, l2_rows, lerp_pair, lerp_rows
from core.optim.recorded import grad_avg
from core.optim.spec import OptimizerSpec, Rule
from core.optim.tex import GRAD, num, vec


def step(p, g, s, h, t, out=None):
    """Batched rows (B, 2)."""
    g = l2_rows(g, p, h)
    s["square_avg"] = s["square_avg"] * h["alpha"] + h["1-alpha"] * g * g
    var = s["square_avg"]
    if "centered" in h["_on"]:
        s["grad_avg"] = lerp_rows(s["grad_avg"], g, h, "1-alpha")
        centered = var - s["grad_avg"] * s["grad_avg"]
        var = centered if h["centered"].ndim == 0 else np.where(h["centered"] > 0, centered, var)
    avg = np.sqrt(var) + h["eps"]
    if "momentum" not in h["_on"]:
        return np.subtract(p, h["lr"] * (g / avg), out=out)
    mom = h["momentum"]
    buf = s["velocity"] * mom + g / avg
    s["velocity"] = buf if mom.ndim == 0 else np.where(mom > 0, buf, 0.0)  # torch keeps no buffer at 0
    return np.subtract(p, h["lr"] * buf, out=out)


def step_py(p, g, s, h, t):
    """One run on floats."""
    g = l2_pair(g, p, h)
    w, eps, lr, mom = h["1-alpha"], h["eps"], h["lr"], h["momentum"]
    v = s["square_avg"] = ema_sq_pair(s["square_avg"], g, h["alpha"], w)
    if h["centered"]:
        a = s["grad_avg"] = lerp_pair(s["grad_avg"], g, w)
        v = [v[0] - a[0] * a[0], v[1] - a[1] * a[1]]
    a0, a1 = sqrt(v[0]) + eps, sqrt(v[1]) + eps
    if not mom:
        return [p[0] - lr * (g[0] / a0), p[1] - lr * (g[1] / a1)]
    b = s["velocity"]
    b = s["velocity"] = [b[0] * mom + g[0] / a0, b[1] * mom + g[1] / a1]
    return [p[0] - lr * b[0], p[1] - lr * b[1]]


def plugged(L, traj, k, p, g, s, h, t):
    """Step k -> k+1 with the numbers."""
    a, eps, mom = h["alpha"], h["eps"], h["momentum"]
    v = L.add("v_t", r"\alpha v_{t-1} + (1-\alpha) g_t^2", rf"{num(a)}\,{vec(s['square_avg'])} + {num(1 - a)}\,"
              rf"{vec(g)}^2", s["square_avg"] * a + (1 - a) * g * g)
    var = v
    if h["centered"]:
        ga = L.add(r"\bar g_t", r"\alpha \bar g_{t-1} + (1-\alpha) g_t",
                   rf"{num(a)}\,{vec(grad_avg(traj)[k])} + {num(1 - a)}\,{vec(g)}", grad_avg(traj)[k + 1])
        var = L.add(r"\tilde v_t", r"v_t - \bar g_t^2", rf"{vec(v)} - {vec(ga)}^2", v - ga * ga)
    avg = np.sqrt(var) + eps
    frac = rf"\frac{{{vec(g)}}}{{\sqrt{{{vec(var)}}} + {num(eps)}}}"
    if mom > 0:
        b = L.add("b_t", r"\mu b_{t-1} + \frac{g_t}{\sqrt{v_t} + \epsilon}", rf"{num(mom)}\,{vec(s['velocity'])} + "
                  + frac, s["velocity"] * mom + g / avg)
        return L.add(r"\theta_t", r"\theta_{t-1} - \gamma b_t", rf"{vec(p)} - {num(h['lr'])}\,{vec(b)}",
                     p - h["lr"] * b)
    return L.add(r"\theta_t", r"\theta_{t-1} - \gamma\frac{g_t}{\sqrt{v_t} + \epsilon}",
                 rf"{vec(p)} - {num(h['lr'])}\," + frac, p - h["lr"] * (g / avg))


def step_size(traj, t):
    """lr / (sqrt(v) + eps), v centered when the run is."""
    h, s = traj.hyper, traj.state
    var = s["square_avg"] - grad_avg(traj) ** 2 if h["centered"] else s["square_avg"]
    return h["lr"] / (np.sqrt(var) + h["eps"])


RULE = Rule(step, step_py, plugged, step_size, state={"square_avg": 0.0, "grad_avg": 0.0, "velocity": 0.0})

SPECS = (
    OptimizerSpec(
        "rmsprop", "RMSprop", RULE, torch.optim.RMSprop,
        {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0, "centered": False},
        GRAD + r",\quad v_t = \alpha v_{t-1} + (1-\alpha) g_t^2,\quad \theta_t = \theta_{t-1} - \gamma\,"
        r"\frac{g_t}{\sqrt{v_t} + \epsilon}",
        "torch adds eps outside the square root (Hinton's slides put it inside); centered=True subtracts the "
        "squared mean gradient.",
        ("square_avg", "velocity", "effective_lr"), step_tex=r"\frac{\gamma}{\sqrt{v_t}+\epsilon}", direction="g",
        second="alpha",
    ),
)
