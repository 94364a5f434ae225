"""BatchNorm forward (Algorithm 1 of Ioffe & Szegedy, 2015) step by step, and its backward pass written out with
the paper's chain-rule formulas; ``autograd_grads`` asks torch for the same gradients, as a check.

Statistics are per channel over the batch (and positions): x (N, C), (N, L, C) or (N, C, H, W); gamma, beta (C,).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.norm_sets import canonical_shape, from_canonical, to_canonical
from core.normalization import check_eps


@dataclass(frozen=True)
class BNForward:
    """Algorithm 1's intermediate values: mu, var (C,); xhat and y like x; m values per channel."""

    x: np.ndarray
    mu: np.ndarray
    var: np.ndarray
    xhat: np.ndarray
    y: np.ndarray
    gamma: np.ndarray
    beta: np.ndarray
    eps: float
    m: int


@dataclass(frozen=True)
class BNGrads:
    """dL/dx (like x), dL/dgamma and dL/dbeta (C,); dvar and dmu (C,) are the paper's intermediate terms."""

    dx: np.ndarray
    dgamma: np.ndarray
    dbeta: np.ndarray
    dvar: np.ndarray | None = None
    dmu: np.ndarray | None = None

    @property
    def shift_residual(self) -> float:
        """max over channels of |sum_i dL/dx_i| (0 up to rounding: shifting a channel leaves BN's output alone)."""
        return float(np.max(np.abs(to_canonical(self.dx).sum(axis=(0, 2)))))  # (N, C, positions) -> per channel


def _per_channel(v: np.ndarray) -> np.ndarray:
    return np.asarray(v, dtype=np.float64).reshape(1, -1, 1)


def _back(a: np.ndarray, shape: tuple) -> np.ndarray:
    return np.ascontiguousarray(from_canonical(a, shape))


def batch_norm_forward(x, gamma=None, beta=None, eps: float = 1e-5) -> BNForward:
    """Algorithm 1: mini-batch mean, variance, normalize, scale and shift, keeping every step."""
    eps = check_eps(eps)
    x = np.asarray(x, dtype=np.float64)
    n, c, s = canonical_shape(x.shape)
    m = n * s
    if m < 2:
        raise ValueError("BatchNorm in training mode needs more than one value per channel (N = 1 without "
                         "positions leaves x - mu = 0 everywhere); torch raises here too.")
    gamma = np.ones(c) if gamma is None else np.asarray(gamma, dtype=np.float64)
    beta = np.zeros(c) if beta is None else np.asarray(beta, dtype=np.float64)
    if gamma.shape != (c,) or beta.shape != (c,):
        raise ValueError(f"gamma and beta must have shape ({c},), one per channel.")
    xc = to_canonical(x)
    mu = xc.mean(axis=(0, 2))
    var = np.square(xc - _per_channel(mu)).mean(axis=(0, 2))
    xhat = (xc - _per_channel(mu)) / np.sqrt(_per_channel(var) + eps)
    y = _per_channel(gamma) * xhat + _per_channel(beta)
    return BNForward(x, mu, var, _back(xhat, x.shape), _back(y, x.shape), gamma, beta, eps, m)


def batch_norm_backward(dy, fwd: BNForward) -> BNGrads:
    """The paper's backward pass: dL/dxhat, dL/dvar, dL/dmu, then dL/dx, dL/dgamma, dL/dbeta."""
    dy = np.asarray(dy, dtype=np.float64)
    if dy.shape != fwd.x.shape:
        raise ValueError(f"dL/dy must have the shape of x {fwd.x.shape}; got {dy.shape}.")
    dyc, xc, xhat = to_canonical(dy), to_canonical(fwd.x), to_canonical(fwd.xhat)
    m, axes = fwd.m, (0, 2)
    centred = xc - _per_channel(fwd.mu)
    inv_std = 1.0 / np.sqrt(fwd.var + fwd.eps)
    dxhat = dyc * _per_channel(fwd.gamma)
    dvar = (dxhat * centred).sum(axis=axes) * -0.5 * inv_std**3
    dmu = (dxhat * -_per_channel(inv_std)).sum(axis=axes) + dvar * (-2.0 * centred).sum(axis=axes) / m
    dx = dxhat * _per_channel(inv_std) + _per_channel(dvar) * 2.0 * centred / m + _per_channel(dmu) / m
    dgamma = (dyc * xhat).sum(axis=axes)
    dbeta = dyc.sum(axis=axes)
    return BNGrads(_back(dx, fwd.x.shape), dgamma, dbeta, dvar, dmu)


def autograd_grads(x, gamma, beta, dy, eps: float = 1e-5) -> BNGrads:
    """The same gradients from torch autograd through F.batch_norm(training=True), in float64."""
    import torch
    import torch.nn.functional as F

    x = np.asarray(x, dtype=np.float64)
    seq = x.ndim == 3  # our sequences are (N, L, C); torch's batch_norm wants channels at axis 1
    xt = torch.tensor(x.transpose(0, 2, 1) if seq else x, requires_grad=True)
    g = torch.tensor(np.asarray(gamma, dtype=np.float64), requires_grad=True)
    b = torch.tensor(np.asarray(beta, dtype=np.float64), requires_grad=True)
    y = F.batch_norm(xt, None, None, g, b, training=True, eps=eps)
    dyt = torch.tensor(np.asarray(dy, dtype=np.float64).transpose(0, 2, 1) if seq else np.asarray(dy))
    y.backward(dyt)
    dx = xt.grad.numpy()
    return BNGrads(dx.transpose(0, 2, 1).copy() if seq else dx, g.grad.numpy(), b.grad.numpy())


def max_abs_error(ours: BNGrads, ref: BNGrads) -> dict[str, float]:
    """Largest |difference| per gradient, e.g. {"dx": 1e-16, "dgamma": ..., "dbeta": ...}."""
    return {k: float(np.max(np.abs(getattr(ours, k) - getattr(ref, k)))) for k in ("dx", "dgamma", "dbeta")}
