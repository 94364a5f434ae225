"""torch.optim.NAdam in every form: batched rows, one run's floats, plugged-in LaTeX, step size.

Dozat's Nesterov-accelerated Adam with torch's momentum schedule mu_t = beta1 (1 - 0.5 * 0.96^(t psi)); torch
keeps the product of the mu_t in its scalar dtype, float32 unless the default dtype is float64, and so do we.
"""

from __future__ import annotations

from math import sqrt

import numpy as np
import torch

from core.optim.ops import arr, ema_sq_pair, l2_pair, l2_rows, lerp_pair, lerp_rows
from core.optim.recorded import corrected_moments
from core.optim.spec import ADAM_DEFAULTS, OptimizerSpec, Rule
from core.optim.tex import GRAD, moments, num, vec


def _mu(b1: float, psi: float, t: int) -> float:
    """torch's momentum schedule at step t."""
    return b1 * (1.0 - 0.5 * (0.96 ** (t * psi)))


def step(p, g, s, h, t, out=None):
    """Batched rows (B, 2)."""
    g = l2_rows(g, p, h)
    f = h["_f"]
    b1, lr, psi = f["beta1"], f["lr"], f["momentum_decay"]
    bc2 = 1 - f["beta2"] ** t
    mu, mu_next = _mu(b1, psi, t), _mu(b1, psi, t + 1)
    s["mu_product"] = s["mu_product"] * np.asarray(mu, dtype=np.float32)  # float32, as torch keeps it
    mu_product = s["mu_product"].astype(np.float64)
    s["exp_avg"] = lerp_rows(s["exp_avg"], g, h, "1-beta1")
    s["exp_avg_sq"] = s["exp_avg_sq"] * h["beta2"] + h["1-beta2"] * g * g
    denom = np.sqrt(s["exp_avg_sq"] / arr(bc2)) + h["eps"]
    mu_product_next = mu_product * mu_next
    p = p + (-lr * (1.0 - mu) / (1.0 - mu_product)) * (g / denom)
    return np.add(p, ((-lr * mu_next) / (1.0 - mu_product_next)) * (s["exp_avg"] / denom), out=out)


def step_py(p, g, s, h, t):
    """One run on floats."""
    g = l2_pair(g, p, h)
    b1, b2, lr, psi, eps = h["beta1"], h["beta2"], h["lr"], h["momentum_decay"], h["eps"]
    bc2 = 1 - b2**t
    mu, mu_next = _mu(b1, psi, t), _mu(b1, psi, t + 1)
    s["mu_product"] = s["mu_product"] * np.float32(mu)
    mu_product = float(s["mu_product"])
    m = s["exp_avg"] = lerp_pair(s["exp_avg"], g, h["1-beta1"])
    v = s["exp_avg_sq"] = ema_sq_pair(s["exp_avg_sq"], g, b2, h["1-beta2"])
    d0, d1 = sqrt(v[0] / bc2) + eps, sqrt(v[1] / bc2) + eps
    c1 = -lr * (1.0 - mu) / (1.0 - mu_product)
    c2 = (-lr * mu_next) / (1.0 - mu_product * mu_next)
    return [p[0] + c1 * (g[0] / d0) + c2 * (m[0] / d0), p[1] + c1 * (g[1] / d1) + c2 * (m[1] / d1)]


def plugged(L, traj, k, p, g, s, h, t):
    """Step k -> k+1 with the numbers."""
    b1, psi, lr, eps = h["beta1"], h["momentum_decay"], h["lr"], h["eps"]
    mus = [_mu(b1, psi, i) for i in range(1, t + 2)]
    prod = np.float32(1.0)
    for mu_i in mus[:t]:
        prod = prod * np.float32(mu_i)
    mu, mu_next, pt = mus[t - 1], mus[t], float(prod)
    L.add(r"\mu_t, \mu_{t+1}", r"\beta_1(1 - \tfrac12 0.96^{t\psi})", rf"{num(b1)}(1 - \tfrac12 0.96^{{{t}\cdot"
          rf"{num(psi)}}}), \ldots", np.array([mu, mu_next]))
    m, v = moments(L, s, g, h)
    denom = L.add(r"d_t", r"\sqrt{v_t / (1-\beta_2^t)} + \epsilon", rf"\sqrt{{{vec(v)} / (1 - {num(h['beta2'])}^"
                  rf"{{{t}}})}} + {num(eps)}", np.sqrt(v / (1 - h["beta2"] ** t)) + eps)
    c1, c2 = -lr * (1.0 - mu) / (1.0 - pt), (-lr * mu_next) / (1.0 - pt * mu_next)
    return L.add(r"\theta_t", r"\theta_{t-1} - \gamma\frac{1-\mu_t}{1-\prod_{i\le t}\mu_i}\frac{g_t}{d_t} - "
                 r"\gamma\frac{\mu_{t+1}}{1-\prod_{i\le t+1}\mu_i}\frac{m_t}{d_t}",
                 rf"{vec(p)} + ({num(c1)})\frac{{{vec(g)}}}{{{vec(denom)}}} + ({num(c2)})\frac{{{vec(m)}}}"
                 rf"{{{vec(denom)}}}", (p + c1 * (g / denom)) + c2 * (m / denom))


def step_size(traj, t):
    """lr / (sqrt(v_hat) + eps): the factor both of NAdam's terms share."""
    h = traj.hyper
    return h["lr"] / (np.sqrt(corrected_moments(traj, ("v_hat",))["v_hat"]) + h["eps"])


RULE = Rule(step, step_py, plugged, step_size, state={"exp_avg": 0.0, "exp_avg_sq": 0.0},
            scalar_state={"mu_product": np.float32(1.0)}, corrected=("v_hat",))

SPECS = (
    OptimizerSpec(
        "nadam", "NAdam", RULE, torch.optim.NAdam, {**ADAM_DEFAULTS, "lr": 2e-3, "momentum_decay": 4e-3},
        GRAD + r",\; \mu_t = \beta_1(1 - \tfrac12 0.96^{t\psi}),\; "
        r"\bar m_t = \frac{(1-\mu_t) g_t}{1-\prod_{i\le t}\mu_i} + \frac{\mu_{t+1} m_t}{1-\prod_{i\le t+1}\mu_i},\; "
        r"\theta_t = \theta_{t-1} - \gamma\,\bar m_t\Big/\left(\sqrt{v_t/(1-\beta_2^t)}+\epsilon\right)",
        "torch follows Dozat with a momentum schedule mu_t (momentum_decay psi); the paper's constant mu is psi = 0.",
        ("exp_avg", "exp_avg_sq", "effective_lr"), step_tex=r"\frac{\gamma}{\sqrt{\hat v_t}+\epsilon}",
        direction="Nesterov mix of g and m", second="beta1",
    ),
)
