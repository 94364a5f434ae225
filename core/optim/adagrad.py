"""torch.optim.Adagrad in every form: batched rows, one run's floats, plugged-in LaTeX, step size.

sum += g^2; p -= clr * g / (sqrt(sum) + eps) with clr = lr / (1 + (t-1) lr_decay): the sum only grows.
"""

from __future__ import annotations

from math import sqrt

import numpy as np
import torch

from core.optim.ops import arr, l2_pair, l2_rows
from core.optim.spec import OptimizerSpec, Rule
from core.optim.tex import GRAD, num, vec


def step(p, g, s, h, t, out=None):
    """Batched rows (B, 2)."""
    g = l2_rows(g, p, h)
    f = h["_f"]
    clr = f["lr"] / (1 + (t - 1) * f["lr_decay"])
    s["sum"] = s["sum"] + g * g
    std = np.sqrt(s["sum"]) + h["eps"]
    return np.subtract(p, arr(clr) * (g / std), out=out)


def step_py(p, g, s, h, t):
    """One run on floats."""
    g = l2_pair(g, p, h)
    clr, eps, a = h["lr"] / (1 + (t - 1) * h["lr_decay"]), h["eps"], s["sum"]
    a = s["sum"] = [a[0] + g[0] * g[0], a[1] + g[1] * g[1]]
    return [p[0] - clr * (g[0] / (sqrt(a[0]) + eps)), p[1] - clr * (g[1] / (sqrt(a[1]) + eps))]


def plugged(L, traj, k, p, g, s, h, t):
    """Step k -> k+1 with the numbers."""
    clr = h["lr"] / (1 + (t - 1) * h["lr_decay"])
    if h["lr_decay"]:
        L.add(r"\gamma_t", r"\gamma / (1 + (t-1)\eta)", rf"{num(h['lr'])} / (1 + {t - 1}\cdot{num(h['lr_decay'])})",
              clr)
    acc = L.add("s_t", "s_{t-1} + g_t^2", rf"{vec(s['sum'])} + {vec(g)}^2", s["sum"] + g * g)
    return L.add(r"\theta_t", r"\theta_{t-1} - \gamma_t \frac{g_t}{\sqrt{s_t} + \epsilon}",
                 rf"{vec(p)} - {num(clr)}\,\frac{{{vec(g)}}}{{\sqrt{{{vec(acc)}}} + {num(h['eps'])}}}",
                 p - clr * (g / (np.sqrt(acc) + h["eps"])))


def step_size(traj, t):
    """clr / (sqrt(sum) + eps)."""
    h = traj.hyper
    return h["lr"] / (1 + (t - 1) * h["lr_decay"]) / (np.sqrt(traj.state["sum"]) + h["eps"])


RULE = Rule(step, step_py, plugged, step_size, state={"sum": "initial_accumulator_value"})

SPECS = (
    OptimizerSpec(
        "adagrad", "Adagrad", RULE, torch.optim.Adagrad,
        {"lr": 1e-2, "lr_decay": 0.0, "weight_decay": 0.0, "eps": 1e-10, "initial_accumulator_value": 0.0},
        GRAD + r",\quad s_t = s_{t-1} + g_t^2,\quad \theta_t = \theta_{t-1} - \frac{\gamma}{1+(t-1)\eta}"
        r"\,\frac{g_t}{\sqrt{s_t} + \epsilon}",
        "eps is added after the square root, as in torch; the sum only grows, so the step only shrinks.",
        ("sum", "effective_lr"), step_tex=r"\frac{\gamma}{1+(t-1)\eta}\,\frac{1}{\sqrt{s_t}+\epsilon}", direction="g",
    ),
)
