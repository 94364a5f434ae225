"""torch.optim.Rprop in every form: batched rows, one run's floats, plugged-in LaTeX, step size.

Only the sign of the gradient is used: per-coordinate step sizes grow by etaplus while the sign holds, shrink by
etaminus when it flips, and a flipped coordinate skips one step (torch zeroes its gradient).
"""

from __future__ import annotations

import numpy as np
import torch

from core.optim.ops import fmax, fmin, sign
from core.optim.spec import OptimizerSpec, Rule
from core.optim.tex import vec


def step(p, g, s, h, t, out=None):
    """Batched rows (B, 2)."""
    flip = np.sign(g * s["prev"])
    etaminus = h["etaminus"]
    factor = np.where(flip > 0, h["etaplus"], np.where(flip < 0, etaminus, 1.0))
    s["step_size"] = np.minimum(np.maximum(s["step_size"] * factor, h["step_size_min"]), h["step_size_max"])
    g = np.where(factor == etaminus, 0.0, g)
    s["prev"] = g
    return np.subtract(p, np.sign(g) * s["step_size"], out=out)


def step_py(p, g, s, h, t):
    """One run on floats."""
    up, down, lo, hi, prev, size = (h["etaplus"], h["etaminus"], h["step_size_min"], h["step_size_max"], s["prev"],
                                    s["step_size"])
    f = [up if q > 0 else down if q < 0 else 1.0 for q in (g[0] * prev[0], g[1] * prev[1])]
    size = s["step_size"] = [fmin(fmax(size[0] * f[0], lo), hi), fmin(fmax(size[1] * f[1], lo), hi)]
    g = s["prev"] = [0.0 if f[0] == down else g[0], 0.0 if f[1] == down else g[1]]
    return [p[0] - sign(g[0]) * size[0], p[1] - sign(g[1]) * size[1]]


def plugged(L, traj, k, p, g, s, h, t):
    """Step k -> k+1 with the numbers."""
    flip = np.sign(g * s["prev"])
    factor = np.where(flip > 0, h["etaplus"], np.where(flip < 0, h["etaminus"], 1.0))
    L.add(r"\text{factor}", r"\eta^{\pm}\ \text{by}\ \mathrm{sign}(g_t g_{t-1})",
          rf"\mathrm{{sign}}({vec(g)}\,{vec(s['prev'])})", factor)
    eta = L.add(r"\eta_t", r"\mathrm{clip}(\eta_{t-1}\cdot\text{factor})", rf"{vec(s['step_size'])}\,{vec(factor)}",
                np.minimum(np.maximum(s["step_size"] * factor, h["step_size_min"]), h["step_size_max"]))
    g = np.where(factor == h["etaminus"], 0.0, g)  # torch skips the step of a coordinate whose sign flipped
    return L.add(r"\theta_t", r"\theta_{t-1} - \eta_t\,\mathrm{sign}(g_t)", rf"{vec(p)} - {vec(eta)}\,"
                 rf"\mathrm{{sign}}{vec(g)}", p - np.sign(g) * eta)


def step_size(traj, t):
    """The recorded per-coordinate step sizes themselves."""
    return traj.state["step_size"].copy()


RULE = Rule(step, step_py, plugged, step_size, state={"step_size": "lr", "prev": 0.0})

SPECS = (
    OptimizerSpec(
        "rprop", "Rprop", RULE, torch.optim.Rprop,
        {"lr": 1e-2, "etaminus": 0.5, "etaplus": 1.2, "step_size_min": 1e-6, "step_size_max": 50.0},
        r"\eta_t = \text{clip}(\eta_{t-1}\cdot\{\eta^+, \eta^-, 1\}),\quad \theta_t = \theta_{t-1} - "
        r"\eta_t\,\mathrm{sign}(g_t)",
        "Only the sign of the gradient is used; after a sign flip the gradient is zeroed for one step (torch).",
        ("step_size", "prev", "effective_lr"), step_tex=r"\eta_t", direction="sign(g)",
    ),
)
