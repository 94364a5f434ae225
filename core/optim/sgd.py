"""torch.optim.SGD (SGD, Momentum, Nesterov) in every form: batched rows, one run's floats, plugged-in LaTeX, step size.

torch: buf = g at t = 1, then buf = mu buf + (1 - dampening) g; the step uses buf, or g + mu buf with Nesterov.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import torch

from core.optim.ops import l2_pair, l2_rows
from core.optim.recorded import velocity
from core.optim.spec import OptimizerSpec, Rule
from core.optim.tex import GRAD, num, vec


def step(p, g, s, h, t, out=None):
    """Batched rows (B, 2); a row without momentum keeps no buffer and steps along g."""
    g = l2_rows(g, p, h)
    if "momentum" not in h["_on"]:
        return np.subtract(p, h["lr"] * g, out=out)
    mu, on = h["momentum"], h["_on"]
    if t == 1:
        buf = g.copy()
    else:  # torch adds (1 - dampening) g in one FMA; for dampening 0 that is exactly mu buf + g
        buf = mu * s["velocity"] + (h["1-dampening"] * g if "dampening" in on else g)
    nesterov = h["nesterov"]
    if nesterov.ndim == 0:
        direction = g + mu * buf if "nesterov" in on else buf
    else:
        direction = np.where(h["_nz"]["nesterov"], g + mu * buf, buf)
    if mu.ndim == 0:
        s["velocity"] = buf
    else:  # a row without momentum keeps no buffer (as torch) and steps along g, which without dampening
        s["velocity"] = np.where(h["_nz"]["momentum"], buf, 0.0)  # its buf (0 * 0 + g) already is
        if "dampening" in on:
            direction = np.where(h["_nz"]["momentum"], direction, g)
    return np.subtract(p, h["lr"] * direction, out=out)


def step_py(p, g, s, h, t):
    """One run on floats."""
    g = l2_pair(g, p, h)
    mu, lr = h["momentum"], h["lr"]
    if not mu:
        return [p[0] - lr * g[0], p[1] - lr * g[1]]
    v = s["velocity"]
    if t == 1:
        v = g
    elif h["dampening"]:
        d = h["1-dampening"]
        v = [mu * v[0] + d * g[0], mu * v[1] + d * g[1]]
    else:
        v = [mu * v[0] + g[0], mu * v[1] + g[1]]
    s["velocity"] = v
    if h["nesterov"]:
        v = [g[0] + mu * v[0], g[1] + mu * v[1]]
    return [p[0] - lr * v[0], p[1] - lr * v[1]]


def plugged(L, traj, k, p, g, s, h, t):
    """Step k -> k+1 with the numbers."""
    mu, tau = h["momentum"], h["dampening"]
    if mu == 0:
        return L.add(r"\theta_t", r"\theta_{t-1} - \gamma g_t", rf"{vec(p)} - {num(h['lr'])}\,{vec(g)}",
                     p - h["lr"] * g)
    s = {**s, "velocity": velocity(traj)[k]}
    if t == 1:
        b = L.add("b_1", "g_1", vec(g), g.copy())
    else:
        damp, rule = ((1 - tau) * g, r"(1-\tau) g_t") if tau else (g, "g_t")
        b = L.add("b_t", r"\mu b_{t-1} + " + rule,
                  rf"{num(mu)}\,{vec(s['velocity'])} + " + (rf"{num(1 - tau)}\," if tau else "") + vec(g),
                  mu * s["velocity"] + damp)
    if h["nesterov"]:
        return L.add(r"\theta_t", r"\theta_{t-1} - \gamma (g_t + \mu b_t)",
                     rf"{vec(p)} - {num(h['lr'])}\left({vec(g)} + {num(mu)}\,{vec(b)}\right)",
                     p - h["lr"] * (g + mu * b))
    return L.add(r"\theta_t", r"\theta_{t-1} - \gamma b_t", rf"{vec(p)} - {num(h['lr'])}\,{vec(b)}", p - h["lr"] * b)


def step_size(traj, t):
    """The lr itself: SGD scales its direction by nothing else."""
    return np.full_like(traj.points, traj.hyper["lr"])


RULE = Rule(step, step_py, plugged, step_size, state={"velocity": 0.0})
_SGD = {"lr": 1e-3, "momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0}

SGD = OptimizerSpec(
    "sgd", "SGD", RULE, torch.optim.SGD, dict(_SGD), GRAD + r",\quad \theta_t = \theta_{t-1} - \gamma\, g_t",
    "Plain gradient descent: every coordinate moves by lr times its gradient.",
    ("effective_lr",), step_tex=r"\gamma", direction="g", fixed={"nesterov": False},
)
MOMENTUM = replace(
    SGD, name="momentum", title="Momentum", defaults={**_SGD, "momentum": 0.9}, second="momentum", direction="b",
    latex=GRAD + r",\quad b_t = \mu b_{t-1} + (1-\tau) g_t,\; b_1 = g_1,\quad \theta_t = \theta_{t-1} - \gamma\, b_t",
    note="torch accumulates raw gradients (b = mu b + g) and multiplies by lr at the end; the textbook form "
         "v = mu v + lr g gives the same path only while lr is constant.",
    state_names=("velocity", "effective_lr"),
)
NESTEROV = replace(
    MOMENTUM, name="nesterov", title="Nesterov", direction="g + mu b", fixed={"nesterov": True},
    latex=GRAD + r",\quad b_t = \mu b_{t-1} + g_t,\quad \theta_t = \theta_{t-1} - \gamma\,(g_t + \mu b_t)",
    note="torch's Nesterov is the Sutskever et al. reformulation: the gradient is taken at the current point and "
         "the step uses g + mu b, which equals a look-ahead gradient step in shifted variables.",
)
SPECS = (SGD, MOMENTUM, NESTEROV)
