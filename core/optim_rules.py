"""Vectorized update rules of torch.optim, one function per family, over a batch of runs.

Each rule advances rows p (B, 2) given their gradients g (B, 2), hyper-parameters h (name -> (B, 1) arrays) and
step t (1-based, shared by the batch). It mutates the state dict s in place and returns the new points.
Every line mirrors torch's single-tensor code path (`foreach=False`), operation order included, so that float64
trajectories agree with torch to rounding. A hyper-parameter shared by every row of a group arrives as a Python
float, so that branches the row does not need (no weight decay, no momentum) cost nothing.
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray


def _on(v) -> bool:
    """Whether a hyper-parameter is non-zero for some row (a non-uniform column always has a non-zero row)."""
    return not (v.__class__ is float and v == 0.0)


def _l2(g: Array, p: Array, h: dict) -> Array:
    """Coupled (L2) weight decay, as torch adds it to the gradient."""
    return g + h["weight_decay"] * p if _on(h["weight_decay"]) else g


def _lerp(a: Array, b: Array, w: Array) -> Array:
    """torch.lerp's exact formula (it switches form at w = 0.5), so moment estimates round as torch's do."""
    if w.__class__ is float:
        return a + w * (b - a) if w < 0.5 else b - (b - a) * (1 - w)
    return np.where(w < 0.5, a + w * (b - a), b - (b - a) * (1 - w))


def sgd(p: Array, g: Array, s: dict, h: dict, t: int) -> Array:
    """SGD with optional momentum, dampening and Nesterov (torch: buf = mu*buf + (1-dampening)*g, buf = g at t=1)."""
    g = _l2(g, p, h)
    mu = h["momentum"]
    if not _on(mu):
        return p - h["lr"] * g
    buf = g.copy() if t == 1 else mu * s["velocity"] + (1 - h["dampening"]) * g
    s["velocity"] = buf if isinstance(mu, float) else np.where(mu != 0, buf, 0.0)
    nesterov = h["nesterov"]
    direction = (g + mu * buf if nesterov else buf) if isinstance(nesterov, float) else np.where(
        nesterov > 0, g + mu * buf, buf)
    direction = direction if isinstance(mu, float) else np.where(mu != 0, direction, g)
    return p - h["lr"] * direction


def adagrad(p: Array, g: Array, s: dict, h: dict, t: int) -> Array:
    """Adagrad: sum += g^2; p -= clr * g / (sqrt(sum) + eps), clr = lr / (1 + (t-1) lr_decay)."""
    g = _l2(g, p, h)
    clr = h["lr"] / (1 + (t - 1) * h["lr_decay"])
    s["sum"] = s["sum"] + g * g
    std = np.sqrt(s["sum"]) + h["eps"]
    return p - clr * (g / std)


def adadelta(p: Array, g: Array, s: dict, h: dict, t: int) -> Array:
    """Adadelta: delta = sqrt(acc_delta + eps) / sqrt(square_avg + eps) * g; p -= lr * delta."""
    g = _l2(g, p, h)
    rho = h["rho"]
    s["square_avg"] = s["square_avg"] * rho + (1 - rho) * g * g
    std = np.sqrt(s["square_avg"] + h["eps"])
    delta = np.sqrt(s["acc_delta"] + h["eps"]) / std * g
    s["acc_delta"] = s["acc_delta"] * rho + (1 - rho) * delta * delta
    return p - h["lr"] * delta


def rmsprop(p: Array, g: Array, s: dict, h: dict, t: int) -> Array:
    """RMSprop, optionally centered and with momentum (torch's buf = momentum*buf + g/avg)."""
    g = _l2(g, p, h)
    a = h["alpha"]
    s["square_avg"] = s["square_avg"] * a + (1 - a) * g * g
    var = s["square_avg"]
    if _on(h["centered"]):
        s["grad_avg"] = _lerp(s["grad_avg"], g, 1 - a)
        var = np.where(h["centered"] > 0, var - s["grad_avg"] * s["grad_avg"], var)
    avg = np.sqrt(var) + h["eps"]
    if not _on(h["momentum"]):
        return p - h["lr"] * (g / avg)
    s["velocity"] = s["velocity"] * h["momentum"] + g / avg
    return p - h["lr"] * s["velocity"]


def adam(p: Array, g: Array, s: dict, h: dict, t: int) -> Array:
    """Adam / AdamW / AMSGrad: bias-corrected moments, eps added after the bias-corrected sqrt, as torch."""
    if _on(h["weight_decay"]):
        decoupled = h["decoupled"] > 0
        p = np.where(decoupled, p * (1 - h["lr"] * h["weight_decay"]), p)
        g = np.where(decoupled, g, g + h["weight_decay"] * p)
    b1, b2 = h["beta1"], h["beta2"]
    s["exp_avg"] = _lerp(s["exp_avg"], g, 1 - b1)
    s["exp_avg_sq"] = s["exp_avg_sq"] * b2 + (1 - b2) * g * g
    bc1, bc2 = 1 - b1**t, 1 - b2**t
    second = s["exp_avg_sq"]
    if _on(h["amsgrad"]):
        s["max_exp_avg_sq"] = np.maximum(s["max_exp_avg_sq"], s["exp_avg_sq"])
        second = np.where(h["amsgrad"] > 0, s["max_exp_avg_sq"], second)
    denom = np.sqrt(second) / np.sqrt(bc2) + h["eps"]
    return p - (h["lr"] / bc1) * (s["exp_avg"] / denom)


def adamax(p: Array, g: Array, s: dict, h: dict, t: int) -> Array:
    """Adamax: infinity-norm second moment exp_inf = max(beta2*exp_inf, |g| + eps)."""
    g = _l2(g, p, h)
    b1 = h["beta1"]
    s["exp_avg"] = _lerp(s["exp_avg"], g, 1 - b1)
    s["exp_inf"] = np.maximum(s["exp_inf"] * h["beta2"], np.abs(g) + h["eps"])
    clr = h["lr"] / (1 - b1**t)
    return p - clr * (s["exp_avg"] / s["exp_inf"])


def nadam(p: Array, g: Array, s: dict, h: dict, t: int) -> Array:
    """NAdam with torch's momentum schedule mu_t = beta1 (1 - 0.5 * 0.96^(t psi))."""
    g = _l2(g, p, h)
    b1, b2, psi, lr = h["beta1"], h["beta2"], h["momentum_decay"], h["lr"]
    bc2 = 1 - b2**t
    mu = b1 * (1.0 - 0.5 * (0.96 ** (t * psi)))
    mu_next = b1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * psi)))
    s["mu_product"] = s["mu_product"] * mu
    s["exp_avg"] = _lerp(s["exp_avg"], g, 1 - b1)
    s["exp_avg_sq"] = s["exp_avg_sq"] * b2 + (1 - b2) * g * g
    denom = np.sqrt(s["exp_avg_sq"] / bc2) + h["eps"]
    mu_product_next = s["mu_product"] * mu_next
    p = p + (-lr * (1.0 - mu) / (1.0 - s["mu_product"])) * g / denom
    return p + (-lr * mu_next / (1.0 - mu_product_next)) * s["exp_avg"] / denom


def radam(p: Array, g: Array, s: dict, h: dict, t: int) -> Array:
    """RAdam: Adam with the variance rectification term once rho_t > 5, plain momentum SGD before."""
    g = _l2(g, p, h)
    b1, b2, lr = h["beta1"], h["beta2"], h["lr"]
    s["exp_avg"] = _lerp(s["exp_avg"], g, 1 - b1)
    s["exp_avg_sq"] = s["exp_avg_sq"] * b2 + (1 - b2) * g * g
    bc1, bc2 = 1 - b1**t, 1 - b2**t
    m_hat = s["exp_avg"] / bc1
    rho_inf = 2 / (1 - b2) - 1
    rho_t = rho_inf - 2 * t * (b2**t) / bc2
    with np.errstate(invalid="ignore", divide="ignore"):
        rect = np.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
        adaptive = np.sqrt(bc2) / (np.sqrt(s["exp_avg_sq"]) + h["eps"])
    factor = np.where(rho_t > 5.0, adaptive * rect, 1.0)
    return p - m_hat * lr * factor


def rprop(p: Array, g: Array, s: dict, h: dict, t: int) -> Array:
    """Rprop: per-coordinate step sizes grow by etaplus on sign agreement, shrink by etaminus on a flip."""
    sign = np.sign(g * s["prev"])
    etaminus, etaplus = h["etaminus"], h["etaplus"]
    factor = np.where(sign > 0, etaplus, np.where(sign < 0, etaminus, 1.0))
    s["step_size"] = np.clip(s["step_size"] * factor, h["step_size_min"], h["step_size_max"])
    g = np.where(factor == etaminus, 0.0, g)
    s["prev"] = g
    return p - np.sign(g) * s["step_size"]
