"""Input preprocessing as one affine map x_out = (x - mean) @ W: centring, z-scoring, PCA and ZCA whitening.

>>> x = correlated_pixels(500, rho=0.9, seed=0)          # (500, 2), every point in (0, 1)^2
>>> p = preprocess(x, "zca", eps=0.0)
>>> bool(np.allclose(p.cov, np.eye(2)))
True

Covariances use 1/n (the population convention of batch norm), so "whitened" means cov = I exactly at eps = 0.
Eigenvectors get a fixed sign (largest component positive) so PCA whitening is reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.activation_capture import Histogram, histogram

__all__ = ["HYPERPLANE_INITS", "PREPROCESSINGS", "Cuts", "DigitsWhitening", "Preprocessed", "active_shares",
           "correlated_pixels", "covariance", "digits_whitening", "eig", "hyperplane_cuts", "preprocess",
           "random_hyperplanes"]

PREPROCESSINGS = {"raw": "Raw", "center": "Zero-centred", "standardize": "Z-scored", "pca": "PCA-whitened",
                  "zca": "ZCA-whitened"}


@dataclass(frozen=True)
class Preprocessed:
    """x (n, d) after the map, the map itself (mean (d,), W (d, d)) and the covariance (d, d) of x."""

    kind: str
    x: np.ndarray
    mean: np.ndarray
    W: np.ndarray
    cov: np.ndarray


def covariance(x: np.ndarray) -> np.ndarray:
    """(d, d) covariance of the rows of x (n, d), divided by n."""
    xc = x - x.mean(axis=0)
    return xc.T @ xc / len(x)


def eig(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (d,) in decreasing order (clipped at 0) and unit eigenvectors as the columns of U (d, d)."""
    lam, U = np.linalg.eigh(covariance(x))
    lam, U = np.clip(lam[::-1], 0.0, None), U[:, ::-1]
    signs = np.sign(U[np.argmax(np.abs(U), axis=0), np.arange(U.shape[1])])
    return lam, U * signs


def _inverse_sqrt(lam: np.ndarray, eps: float, what: str) -> np.ndarray:
    if not (np.isfinite(eps) and eps >= 0.0):
        raise ValueError(f"eps must be a finite number >= 0, got {eps}.")
    scale = lam + eps
    flat = scale <= 1e-10 * max(float(lam.max()), 1e-300)
    if flat.any():
        raise ValueError(f"{what}: {int(flat.sum())} direction(s) of the data have zero variance, so dividing by "
                         "sqrt(variance + eps) divides by zero. Use eps > 0.")
    return 1.0 / np.sqrt(scale)


def preprocess(x: np.ndarray, kind: str, eps: float = 0.0) -> Preprocessed:
    """Apply one of ``PREPROCESSINGS`` to the rows of x (n, d); eps is added to variances before the root."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or len(x) < 2:
        raise ValueError(f"Preprocessing needs at least two rows of data (n, d), got shape {x.shape}.")
    d = x.shape[1]
    mean, W = x.mean(axis=0), np.eye(d)
    if kind == "raw":
        mean = np.zeros(d)
    elif kind == "center":
        pass
    elif kind == "standardize":
        W = np.diag(_inverse_sqrt(x.var(axis=0), eps, "Z-scoring"))
    elif kind in ("pca", "zca"):
        lam, U = eig(x)
        W = U * _inverse_sqrt(lam, eps, "Whitening")  # columns scaled: rotate onto the axes, then rescale
        if kind == "zca":
            W = W @ U.T  # ... then rotate back: the symmetric W = cov^(-1/2)
    else:
        raise ValueError(f"Unknown preprocessing {kind!r}; choose one of {', '.join(PREPROCESSINGS)}.")
    out = (x - mean) @ W
    return Preprocessed(kind, out, mean, W, covariance(out))


def correlated_pixels(n: int, rho: float, seed: int = 0, mean=(0.55, 0.45), std=(0.17, 0.14)) -> np.ndarray:
    """(n, 2) intensities of two neighbouring pixels: Gaussian with correlation rho, kept inside (0, 1)^2.

    Points outside the unit square are redrawn (a truncated Gaussian), so the cloud sits in the first quadrant
    away from the origin, as raw pixel data does.
    """
    if not (isinstance(n, int | np.integer) and 10 <= n <= 100_000):
        raise ValueError(f"The number of points must be a whole number from 10 to 100000, got {n}.")
    if not (np.isfinite(rho) and -0.999 <= rho <= 0.999):
        raise ValueError(f"The correlation must be in [-0.999, 0.999], got {rho}.")
    rng = np.random.default_rng([int(seed), 2024])
    cov = np.array([[std[0] ** 2, rho * std[0] * std[1]], [rho * std[0] * std[1], std[1] ** 2]])
    L = np.linalg.cholesky(cov)
    kept = np.empty((0, 2))
    while len(kept) < n:
        draw = np.asarray(mean) + rng.standard_normal((2 * n, 2)) @ L.T
        kept = np.vstack([kept, draw[np.all((draw > 0) & (draw < 1), axis=1)]])
    return kept[:n]


HYPERPLANE_INITS = {
    "he_zero_bias": "He normal w ~ N(0, 2/d), bias b = 0",
    "torch": "PyTorch's nn.Linear default: w and b ~ U(-1/sqrt(d), 1/sqrt(d))",
}


def random_hyperplanes(units: int, d: int, init: str = "he_zero_bias", seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Weights (units, d) and biases (units,) of a freshly initialized layer of ReLUs: unit k is w_k.x + b_k."""
    if not 1 <= units <= 10_000:
        raise ValueError(f"The number of units must be from 1 to 10000, got {units}.")
    rng = np.random.default_rng([int(seed), 31337])
    if init == "torch":
        bound = 1.0 / np.sqrt(d)
        return rng.uniform(-bound, bound, (units, d)), rng.uniform(-bound, bound, units)
    if init == "he_zero_bias":
        return rng.normal(0.0, np.sqrt(2.0 / d), (units, d)), np.zeros(units)
    raise ValueError(f"Unknown initialization {init!r}; choose one of {', '.join(HYPERPLANE_INITS)}.")


@dataclass(frozen=True)
class Cuts:
    """Per unit (units,): whether its hyperplane w.x + b = 0 has data on both sides, else always off / on."""

    cut: np.ndarray
    always_off: np.ndarray  # w.x + b <= 0 on every point: a dead ReLU for this data
    always_on: np.ndarray  # > 0 on every point: the ReLU is just a linear map here

    @property
    def counts(self) -> tuple[int, int, int]:
        """(cutting, always off, always on)."""
        return int(self.cut.sum()), int(self.always_off.sum()), int(self.always_on.sum())


def hyperplane_cuts(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> Cuts:
    """Which of the hyperplanes (w (units, d), b (units,)) cut through the cloud x (n, d)."""
    active = x @ w.T + b > 0  # (n, units): the ReLU passes the point
    on, off = active.all(axis=0), ~active.any(axis=0)
    return Cuts(~(on | off), off, on)


def active_shares(x: np.ndarray, w: np.ndarray, b: np.ndarray, bins: int = 20) -> Histogram:
    """Over units: the share of the rows of x (n, d) on which each ReLU w_k.x + b_k > 0, binned on [0, 1].

    In many dimensions almost every random hyperplane cuts the cloud somewhere; what centring changes is the
    balance: raw non-negative data leave most units on for nearly every input or off for nearly every input.
    """
    share = torch.from_numpy((x @ w.T + b > 0).mean(axis=0))
    return histogram(share, np.linspace(0.0, 1.0, bins + 1))


@dataclass(frozen=True)
class DigitsWhitening:
    """The digits (n, 64) in [0, 1]: mean image (8, 8), covariance eigenvalues (64,), the preprocessed sets."""

    mean_image: np.ndarray
    eigenvalues: np.ndarray
    shown: np.ndarray  # (k,) indices of the example images, one per class
    labels: np.ndarray  # (k,)
    sets: dict[str, Preprocessed]  # by PREPROCESSINGS key


def digits_whitening(eps: float, seed: int = 0, kinds=("raw", "center", "pca", "zca")) -> DigitsWhitening:
    """Preprocess all 1797 digit images (64 pixels each) with every kind; pick one example per class (seeded)."""
    from core.datasets import DATASETS  # the bundled scikit-learn digits, as every page sees them

    x, y = DATASETS["digits"].make(None, 0, 0.0)
    x = np.asarray(x, dtype=np.float64)
    rng = np.random.default_rng([int(seed), 64])
    shown = np.array([rng.choice(np.flatnonzero(y == c)) for c in range(10)])
    sets = {k: preprocess(x, k, eps) for k in kinds}
    return DigitsWhitening(x.mean(axis=0).reshape(8, 8), eig(x)[0], shown, np.asarray(y)[shown], sets)
