"""The update rules of core.optim_rules for one run, on Python floats (p, g: two floats; state: pairs).

Why a second copy: a course race is a handful of runs, and NumPy's fixed cost per call (~0.5 us on a (1, 2)
array, ~25 calls a step) is five times the arithmetic of a two-parameter run; plain floats take the default
race from ~40 to ~24 ms (the batched gradient is most of the rest). Each line performs the same IEEE
operations in the same order as its twin in core.optim_rules (Python floats and NumPy float64 round alike,
sqrt is correctly rounded in both), so the two paths agree bit for bit (tests/core/test_optim_rules_py.py)
and both match torch.optim.

rule(p, g, s, h, t) -> new point [x, y]. h: one run's hyper-parameters as floats (torch names, plus "1-beta1"
and friends as core.optim_engine computes them); s: state name -> [x, y], replaced (never mutated) each step,
so the caller may keep the old pairs as its record. NaN/inf flow through as in NumPy; the few operations
Python refuses (division by zero, sqrt of a negative) raise ArithmeticError/ValueError where NumPy would have
produced a non-finite point, and the caller marks the run diverged at that step.
"""

from __future__ import annotations

from math import sqrt

import numpy as np


def _max(a: float, b: float) -> float:
    """np.maximum: NaN in either operand gives NaN."""
    return b if b > a or b != b else a


def _min(a: float, b: float) -> float:
    """np.minimum: NaN in either operand gives NaN."""
    return b if b < a or b != b else a


def _sign(x: float) -> float:
    """np.sign: -1, 0 or 1 (zero and NaN pass through)."""
    return 1.0 if x > 0 else -1.0 if x < 0 else x


def _lerp(a, b, w: float) -> list:
    """torch.lerp(a, b, w) on pairs: its exact formula switches form at w = 0.5."""
    if w < 0.5:
        return [a[0] + w * (b[0] - a[0]), a[1] + w * (b[1] - a[1])]
    c = 1 - w
    return [b[0] - (b[0] - a[0]) * c, b[1] - (b[1] - a[1]) * c]


def _ema_sq(a, g, beta: float, w: float) -> list:
    """a * beta + (1 - beta) * g * g on pairs (w = 1 - beta), torch's mul_(beta).addcmul_(g, g, 1 - beta)."""
    return [a[0] * beta + w * g[0] * g[0], a[1] * beta + w * g[1] * g[1]]


def _l2(g, p, h) -> list:
    """Coupled (L2) weight decay added to the gradient: g + wd * p."""
    wd = h["weight_decay"]
    return [g[0] + wd * p[0], g[1] + wd * p[1]] if wd else g


def sgd(p, g, s, h, t):
    """SGD with optional momentum, dampening and Nesterov (torch: buf = mu*buf + (1-dampening)*g, buf = g at t=1)."""
    g = _l2(g, p, h)
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


def adagrad(p, g, s, h, t):
    """Adagrad: sum += g^2; p -= clr * g / (sqrt(sum) + eps), clr = lr / (1 + (t-1) lr_decay)."""
    g = _l2(g, p, h)
    clr, eps, a = h["lr"] / (1 + (t - 1) * h["lr_decay"]), h["eps"], s["sum"]
    a = s["sum"] = [a[0] + g[0] * g[0], a[1] + g[1] * g[1]]
    return [p[0] - clr * (g[0] / (sqrt(a[0]) + eps)), p[1] - clr * (g[1] / (sqrt(a[1]) + eps))]


def adadelta(p, g, s, h, t):
    """Adadelta: delta = sqrt(acc_delta + eps) / sqrt(square_avg + eps) * g; p -= lr * delta."""
    g = _l2(g, p, h)
    rho, w, eps, lr, u = h["rho"], h["1-rho"], h["eps"], h["lr"], s["acc_delta"]
    v = s["square_avg"] = _ema_sq(s["square_avg"], g, rho, w)
    d = [sqrt(u[0] + eps) / sqrt(v[0] + eps) * g[0], sqrt(u[1] + eps) / sqrt(v[1] + eps) * g[1]]
    s["acc_delta"] = _ema_sq(u, d, rho, w)
    return [p[0] - lr * d[0], p[1] - lr * d[1]]


def rmsprop(p, g, s, h, t):
    """RMSprop, optionally centered and with momentum (torch's buf = momentum*buf + g/avg)."""
    g = _l2(g, p, h)
    w, eps, lr, mom = h["1-alpha"], h["eps"], h["lr"], h["momentum"]
    v = s["square_avg"] = _ema_sq(s["square_avg"], g, h["alpha"], w)
    if h["centered"]:
        a = s["grad_avg"] = _lerp(s["grad_avg"], g, w)
        v = [v[0] - a[0] * a[0], v[1] - a[1] * a[1]]
    a0, a1 = sqrt(v[0]) + eps, sqrt(v[1]) + eps
    if not mom:
        return [p[0] - lr * (g[0] / a0), p[1] - lr * (g[1] / a1)]
    b = s["velocity"]
    b = s["velocity"] = [b[0] * mom + g[0] / a0, b[1] * mom + g[1] / a1]
    return [p[0] - lr * b[0], p[1] - lr * b[1]]


def adam(p, g, s, h, t):
    """Adam / AdamW / AMSGrad: bias-corrected moments, eps added after the bias-corrected sqrt, as torch."""
    lr, wd = h["lr"], h["weight_decay"]
    if wd:
        if h["decoupled"]:
            shrink = 1 - lr * wd
            p = [p[0] * shrink, p[1] * shrink]
        else:
            g = [g[0] + wd * p[0], g[1] + wd * p[1]]
    b2, eps = h["beta2"], h["eps"]
    m = s["exp_avg"] = _lerp(s["exp_avg"], g, h["1-beta1"])
    v = s["exp_avg_sq"] = _ema_sq(s["exp_avg_sq"], g, b2, h["1-beta2"])
    if h["amsgrad"]:
        u = s["max_exp_avg_sq"]
        v = s["max_exp_avg_sq"] = [_max(u[0], v[0]), _max(u[1], v[1])]
    c, step = (1 - b2**t) ** 0.5, lr / (1 - h["beta1"] ** t)
    return [p[0] - step * (m[0] / (sqrt(v[0]) / c + eps)), p[1] - step * (m[1] / (sqrt(v[1]) / c + eps))]


def adamax(p, g, s, h, t):
    """Adamax: infinity-norm second moment exp_inf = max(beta2*exp_inf, |g| + eps)."""
    g = _l2(g, p, h)
    b2, eps, u = h["beta2"], h["eps"], s["exp_inf"]
    m = s["exp_avg"] = _lerp(s["exp_avg"], g, h["1-beta1"])
    u = s["exp_inf"] = [_max(u[0] * b2, abs(g[0]) + eps), _max(u[1] * b2, abs(g[1]) + eps)]
    clr = h["lr"] / (1 - h["beta1"] ** t)
    return [p[0] - clr * (m[0] / u[0]), p[1] - clr * (m[1] / u[1])]


def nadam(p, g, s, h, t):
    """NAdam with torch's momentum schedule mu_t = beta1 (1 - 0.5 * 0.96^(t psi))."""
    g = _l2(g, p, h)
    b1, b2, lr, psi, eps = h["beta1"], h["beta2"], h["lr"], h["momentum_decay"], h["eps"]
    bc2 = 1 - b2**t
    mu = b1 * (1.0 - 0.5 * (0.96 ** (t * psi)))
    mu_next = b1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * psi)))
    s["mu_product"] = s["mu_product"] * np.float32(mu)  # torch keeps it in float32 (see core.optim_rules)
    mu_product = float(s["mu_product"])
    m = s["exp_avg"] = _lerp(s["exp_avg"], g, h["1-beta1"])
    v = s["exp_avg_sq"] = _ema_sq(s["exp_avg_sq"], g, b2, h["1-beta2"])
    d0, d1 = sqrt(v[0] / bc2) + eps, sqrt(v[1] / bc2) + eps
    c1 = -lr * (1.0 - mu) / (1.0 - mu_product)
    c2 = (-lr * mu_next) / (1.0 - mu_product * mu_next)
    return [p[0] + c1 * (g[0] / d0) + c2 * (m[0] / d0), p[1] + c1 * (g[1] / d1) + c2 * (m[1] / d1)]


def radam(p, g, s, h, t):
    """RAdam: Adam with the variance rectification term once rho_t > 5, plain momentum SGD before."""
    g = _l2(g, p, h)
    b2, lr, eps = h["beta2"], h["lr"], h["eps"]
    m = s["exp_avg"] = _lerp(s["exp_avg"], g, h["1-beta1"])
    v = s["exp_avg_sq"] = _ema_sq(s["exp_avg_sq"], g, b2, h["1-beta2"])
    bc1, bc2 = 1 - h["beta1"] ** t, 1 - b2**t
    q0, q1 = m[0] / bc1 * lr, m[1] / bc1 * lr
    rho_inf = 2 / (1 - b2) - 1
    rho_t = rho_inf - 2 * t * (b2**t) / bc2
    if rho_t <= 5.0:
        return [p[0] - q0, p[1] - q1]
    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
    c = bc2**0.5
    return [p[0] - q0 * (c / (sqrt(v[0]) + eps)) * rect, p[1] - q1 * (c / (sqrt(v[1]) + eps)) * rect]


def rprop(p, g, s, h, t):
    """Rprop: per-coordinate step sizes grow by etaplus on sign agreement, shrink by etaminus on a flip."""
    up, down, lo, hi, prev, size = (h["etaplus"], h["etaminus"], h["step_size_min"], h["step_size_max"], s["prev"],
                                    s["step_size"])
    f = [up if q > 0 else down if q < 0 else 1.0 for q in (g[0] * prev[0], g[1] * prev[1])]
    size = s["step_size"] = [_min(_max(size[0] * f[0], lo), hi), _min(_max(size[1] * f[1], lo), hi)]
    g = s["prev"] = [0.0 if f[0] == down else g[0], 0.0 if f[1] == down else g[1]]
    return [p[0] - _sign(g[0]) * size[0], p[1] - _sign(g[1]) * size[1]]
