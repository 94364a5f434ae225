"""Vectorized update rules of torch.optim, one function per family, over a batch of runs.

Each rule advances rows p (B, 2) given their gradients g (B, 2), hyper-parameters h and step t (1-based,
shared by the batch). It replaces entries of the state dict s (never mutating an array in place, so the engine
may keep references as its record) and returns the new points. Every line mirrors torch's single-tensor code
path (`foreach=False`), operation order included. torch's CPU kernels fuse a + b*c into one FMA (add with
alpha, addcmul, lerp) and NumPy has no FMA, so float64 results agree with torch to about an ulp per operation
(tests: 1e-9 relative over 300 steps), not bit for bit; only ill-conditioned runs (centered RMSprop at its
minimum, chaotic large-lr runs) can amplify that into visible differences, exactly as two torch builds would.

h[name] is a 0-d array when every row agrees (NumPy multiplies by a 0-d array faster than by a Python float)
or a (B, 1) column; h["_f"][name] is the same value as a Python float or the column, for the scalar arithmetic
torch does in Python (bias corrections); h["_on"] names the settings non-zero in some row, so rows that do not
use a branch (no weight decay, no momentum) cost nothing; h["_nz"][name] is a column's (B, 1) mask of non-zero
rows. `1-beta1` and friends are precomputed. The new points are written into `out` when given.
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray


def _arr(v):
    """A Python float as a 0-d array (fast NumPy operand); columns pass through."""
    return v if v.__class__ is np.ndarray else np.array(v)


def _l2(g: Array, p: Array, h: dict) -> Array:
    """Coupled (L2) weight decay, as torch adds it to the gradient: g + wd * p."""
    return g + h["weight_decay"] * p if "weight_decay" in h["_on"] else g


def _lerp(a: Array, b: Array, h: dict, k: str) -> Array:
    """torch.lerp(a, b, w) with w = h[k]: its exact formula switches form at w = 0.5."""
    w, wf = h[k], h["_f"][k]
    if wf.__class__ is float:
        return a + w * (b - a) if wf < 0.5 else b - (b - a) * _arr(1 - wf)
    return np.where(w < 0.5, a + w * (b - a), b - (b - a) * (1 - w))


def sgd(p: Array, g: Array, s: dict, h: dict, t: int, out: Array | None = None) -> Array:
    """SGD with optional momentum, dampening and Nesterov (torch: buf = mu*buf + (1-dampening)*g, buf = g at t=1)."""
    g = _l2(g, p, h)
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


def adagrad(p: Array, g: Array, s: dict, h: dict, t: int, out: Array | None = None) -> Array:
    """Adagrad: sum += g^2; p -= clr * g / (sqrt(sum) + eps), clr = lr / (1 + (t-1) lr_decay)."""
    g = _l2(g, p, h)
    f = h["_f"]
    clr = f["lr"] / (1 + (t - 1) * f["lr_decay"])
    s["sum"] = s["sum"] + g * g
    std = np.sqrt(s["sum"]) + h["eps"]
    return np.subtract(p, _arr(clr) * (g / std), out=out)


def adadelta(p: Array, g: Array, s: dict, h: dict, t: int, out: Array | None = None) -> Array:
    """Adadelta: delta = sqrt(acc_delta + eps) / sqrt(square_avg + eps) * g; p -= lr * delta."""
    g = _l2(g, p, h)
    rho, w, eps = h["rho"], h["1-rho"], h["eps"]
    s["square_avg"] = s["square_avg"] * rho + w * g * g
    std = np.sqrt(s["square_avg"] + eps)
    delta = np.sqrt(s["acc_delta"] + eps) / std * g
    s["acc_delta"] = s["acc_delta"] * rho + w * delta * delta
    return np.subtract(p, h["lr"] * delta, out=out)


def rmsprop(p: Array, g: Array, s: dict, h: dict, t: int, out: Array | None = None) -> Array:
    """RMSprop, optionally centered and with momentum (torch's buf = momentum*buf + g/avg)."""
    g = _l2(g, p, h)
    s["square_avg"] = s["square_avg"] * h["alpha"] + h["1-alpha"] * g * g
    var = s["square_avg"]
    if "centered" in h["_on"]:
        s["grad_avg"] = _lerp(s["grad_avg"], g, h, "1-alpha")
        centered = var - s["grad_avg"] * s["grad_avg"]
        var = centered if h["centered"].ndim == 0 else np.where(h["centered"] > 0, centered, var)
    avg = np.sqrt(var) + h["eps"]
    if "momentum" not in h["_on"]:
        return np.subtract(p, h["lr"] * (g / avg), out=out)
    mom = h["momentum"]
    buf = s["velocity"] * mom + g / avg
    s["velocity"] = buf if mom.ndim == 0 else np.where(mom > 0, buf, 0.0)  # torch keeps no buffer at 0
    return np.subtract(p, h["lr"] * buf, out=out)


def adam(p: Array, g: Array, s: dict, h: dict, t: int, out: Array | None = None) -> Array:
    """Adam / AdamW / AMSGrad: bias-corrected moments, eps added after the bias-corrected sqrt, as torch."""
    f = h["_f"]
    if "weight_decay" in h["_on"]:
        shrunk = p * _arr(1 - f["lr"] * f["weight_decay"])
        if h["decoupled"].ndim == 0:
            p, g = (shrunk, g) if "decoupled" in h["_on"] else (p, g + h["weight_decay"] * p)
        else:
            decoupled = h["decoupled"] > 0
            p, g = np.where(decoupled, shrunk, p), np.where(decoupled, g, g + h["weight_decay"] * p)
    s["exp_avg"] = _lerp(s["exp_avg"], g, h, "1-beta1")
    s["exp_avg_sq"] = s["exp_avg_sq"] * h["beta2"] + h["1-beta2"] * g * g
    bc1, bc2 = 1 - f["beta1"] ** t, 1 - f["beta2"] ** t
    second = s["exp_avg_sq"]
    if "amsgrad" in h["_on"]:
        s["max_exp_avg_sq"] = np.maximum(s["max_exp_avg_sq"], s["exp_avg_sq"])
        second = s["max_exp_avg_sq"] if h["amsgrad"].ndim == 0 else np.where(h["amsgrad"] > 0, s["max_exp_avg_sq"],
                                                                             second)
    denom = np.sqrt(second) / _arr(bc2**0.5) + h["eps"]
    return np.subtract(p, _arr(f["lr"] / bc1) * (s["exp_avg"] / denom), out=out)


def adamax(p: Array, g: Array, s: dict, h: dict, t: int, out: Array | None = None) -> Array:
    """Adamax: infinity-norm second moment exp_inf = max(beta2*exp_inf, |g| + eps)."""
    g = _l2(g, p, h)
    f = h["_f"]
    s["exp_avg"] = _lerp(s["exp_avg"], g, h, "1-beta1")
    s["exp_inf"] = np.maximum(s["exp_inf"] * h["beta2"], np.abs(g) + h["eps"])
    clr = f["lr"] / (1 - f["beta1"] ** t)
    return np.subtract(p, _arr(clr) * (s["exp_avg"] / s["exp_inf"]), out=out)


def nadam(p: Array, g: Array, s: dict, h: dict, t: int, out: Array | None = None) -> Array:
    """NAdam with torch's momentum schedule mu_t = beta1 (1 - 0.5 * 0.96^(t psi))."""
    g = _l2(g, p, h)
    f = h["_f"]
    b1, lr, psi = f["beta1"], f["lr"], f["momentum_decay"]
    bc2 = 1 - f["beta2"] ** t
    mu = b1 * (1.0 - 0.5 * (0.96 ** (t * psi)))
    mu_next = b1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * psi)))
    # torch keeps mu_product in its scalar dtype, float32 unless the default dtype is float64: round alike
    s["mu_product"] = s["mu_product"] * np.asarray(mu, dtype=np.float32)
    mu_product = s["mu_product"].astype(np.float64)
    s["exp_avg"] = _lerp(s["exp_avg"], g, h, "1-beta1")
    s["exp_avg_sq"] = s["exp_avg_sq"] * h["beta2"] + h["1-beta2"] * g * g
    denom = np.sqrt(s["exp_avg_sq"] / _arr(bc2)) + h["eps"]
    mu_product_next = mu_product * mu_next
    p = p + (-lr * (1.0 - mu) / (1.0 - mu_product)) * (g / denom)
    return np.add(p, ((-lr * mu_next) / (1.0 - mu_product_next)) * (s["exp_avg"] / denom), out=out)


def radam(p: Array, g: Array, s: dict, h: dict, t: int, out: Array | None = None) -> Array:
    """RAdam: Adam with the variance rectification term once rho_t > 5, plain momentum SGD before."""
    g = _l2(g, p, h)
    f = h["_f"]
    b2, lr = f["beta2"], h["lr"]
    s["exp_avg"] = _lerp(s["exp_avg"], g, h, "1-beta1")
    s["exp_avg_sq"] = s["exp_avg_sq"] * h["beta2"] + h["1-beta2"] * g * g
    bc1, bc2 = 1 - f["beta1"] ** t, 1 - b2**t
    m_hat = s["exp_avg"] / _arr(bc1)
    rho_inf = 2 / (1 - b2) - 1
    rho_t = rho_inf - 2 * t * (b2**t) / bc2
    plain = m_hat * lr
    if rho_t.__class__ is float and rho_t <= 5.0:
        return np.subtract(p, plain, out=out)
    with np.errstate(invalid="ignore", divide="ignore"):
        rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        adaptive = _arr(bc2**0.5) / (np.sqrt(s["exp_avg_sq"]) + h["eps"])
    rectified = plain * adaptive * _arr(rect)
    return np.subtract(p, rectified if rho_t.__class__ is float else np.where(rho_t > 5.0, rectified, plain), out=out)


def rprop(p: Array, g: Array, s: dict, h: dict, t: int, out: Array | None = None) -> Array:
    """Rprop: per-coordinate step sizes grow by etaplus on sign agreement, shrink by etaminus on a flip."""
    sign = np.sign(g * s["prev"])
    etaminus = h["etaminus"]
    factor = np.where(sign > 0, h["etaplus"], np.where(sign < 0, etaminus, 1.0))
    s["step_size"] = np.minimum(np.maximum(s["step_size"] * factor, h["step_size_min"]), h["step_size_max"])
    g = np.where(factor == etaminus, 0.0, g)
    s["prev"] = g
    return np.subtract(p, np.sign(g) * s["step_size"], out=out)
