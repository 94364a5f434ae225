"""Tensors to normalize: a real feature map (a small fixed conv layer applied to scikit-learn's digit images),
a synthetic one with known per-channel offsets and scales, and a token sequence (N, L, C).

Every draw comes from the seed; the conv layer's weights are fixed (seed 0) so it is one layer, not many.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from core import digits

MAX_N, MAX_C, MAX_HW, MAX_L = 16, 64, 16, 32


@dataclass(frozen=True)
class FeatureMap:
    """x (N, C, H, W) plus where it came from; images (N, H, W) are the conv layer's inputs (digits only)."""

    source: str
    x: np.ndarray
    images: np.ndarray | None
    labels: np.ndarray | None


def check_size(n: int, c: int, h: int, w: int) -> None:
    """Raise a readable ValueError when a size is outside the page's bounds (N <= 16, C <= 64, H, W <= 16)."""
    for name, v, hi in (("N", n, MAX_N), ("C", c, MAX_C), ("H", h, MAX_HW), ("W", w, MAX_HW)):
        if not 1 <= int(v) <= hi:
            raise ValueError(f"{name} = {v} is outside 1..{hi}: the cube and its tables stay readable (and fast) up "
                             f"to N = {MAX_N}, C = {MAX_C}, H = W = {MAX_HW}.")


@lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    images, target = digits.load()  # bundled with scikit-learn, read without importing it: no download
    return images / 16.0, target


def _resize_matrix(out: int, size: int) -> np.ndarray:
    """(out, size) matrix of linear interpolation from `size` pixel centres to `out` pixel centres."""
    src = (np.arange(out) + 0.5) * size / out - 0.5
    return np.stack([np.interp(src, np.arange(size), np.eye(size)[j]) for j in range(size)], axis=1)


def _filters(c: int) -> tuple[np.ndarray, np.ndarray]:
    """c fixed 3x3 filters (edge detectors first, then random ones of varied gain) and their biases."""
    sobel = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float)
    fixed = [sobel, sobel.T, np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], float), np.full((3, 3), 1 / 9)]
    rng = np.random.default_rng(0)
    rand = rng.normal(size=(max(c, 4), 3, 3)) * rng.uniform(0.3, 2.5, size=(max(c, 4), 1, 1))
    bank = np.concatenate([np.stack(fixed), rand])[:c]
    return bank, rng.normal(0.0, 0.8, size=max(c, 4))[:c]


def conv3x3(images: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """'Same' 3x3 cross-correlation of images (N, H, W) with weight (C, 3, 3) plus bias (C,): (N, C, H, W)."""
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 3), axis=(1, 2))
    return np.einsum("nhwij,cij->nchw", windows, weight) + bias[None, :, None, None]


def digit_feature_map(n: int, c: int, h: int, w: int, seed: int = 0, draw: int | None = None) -> FeatureMap:
    """A conv layer's pre-activation output (N, C, H, W) on n digit images drawn with the seed (and ``draw``)."""
    check_size(n, c, h, w)
    images, labels = _digits()
    rng = np.random.default_rng(seed if draw is None else [seed, draw])
    pick = rng.choice(len(images), size=n, replace=False)
    resized = np.einsum("hi,nij,wj->nhw", _resize_matrix(h, 8), images[pick], _resize_matrix(w, 8))
    weight, bias = _filters(c)
    return FeatureMap("digits", conv3x3(resized, weight, bias), resized, labels[pick])


def synthetic_feature_map(n: int, c: int, h: int, w: int, seed: int = 0, draw: int | None = None) -> FeatureMap:
    """Gaussian noise with per-channel offsets (N(0, 2^2)) and scales (0.3..3), plus a small per-sample shift.

    The offsets and scales come from the seed; ``draw`` picks a fresh batch from the same distribution."""
    check_size(n, c, h, w)
    rng = np.random.default_rng(seed)
    offsets = rng.normal(0.0, 2.0, size=(1, c, 1, 1))
    scales = np.exp(rng.uniform(np.log(0.3), np.log(3.0), size=(1, c, 1, 1)))
    if draw is not None:
        rng = np.random.default_rng([seed, draw])
    shift = rng.normal(0.0, 0.5, size=(n, 1, 1, 1))
    return FeatureMap("synthetic", offsets + shift + scales * rng.normal(size=(n, c, h, w)), None, None)


FEATURE_MAPS = {"digits": digit_feature_map, "synthetic": synthetic_feature_map}


def feature_map(source: str, n: int, c: int, h: int, w: int, seed: int = 0) -> FeatureMap:
    """The feature map of the named source ("digits" or "synthetic")."""
    if source not in FEATURE_MAPS:
        raise ValueError(f"Unknown feature map {source!r}; choose one of {', '.join(FEATURE_MAPS)}.")
    return FEATURE_MAPS[source](n, c, h, w, seed)


def batch_stream(source: str, count: int, n: int, c: int, h: int, w: int, seed: int = 0) -> list[np.ndarray]:
    """``count`` batches (N, C, H, W) from one distribution (same conv layer / same channel offsets), as training
    would see them."""
    if not 1 <= count <= 500:
        raise ValueError(f"Use between 1 and 500 batches; got {count}.")
    if source not in FEATURE_MAPS:
        raise ValueError(f"Unknown feature map {source!r}; choose one of {', '.join(FEATURE_MAPS)}.")
    return [FEATURE_MAPS[source](n, c, h, w, seed, draw=t).x for t in range(count)]


def token_batch(n: int, length: int, c: int, seed: int = 0) -> np.ndarray:
    """Token embeddings (N, L, C): each token has its own offset and scale, channels share a mean of about 1."""
    if not (1 <= n <= MAX_N and 2 <= length <= MAX_L and 2 <= c <= MAX_C):
        raise ValueError(f"Sequence sizes must be 1 <= N <= {MAX_N}, 2 <= L <= {MAX_L}, 2 <= C <= {MAX_C}; "
                         f"got N = {n}, L = {length}, C = {c}.")
    rng = np.random.default_rng(seed)
    offset = rng.normal(1.0, 1.0, size=(n, length, 1))
    scale = np.exp(rng.normal(0.0, 0.6, size=(n, length, 1)))
    return offset + scale * rng.normal(size=(n, length, c))


def tiny_batch(seed: int = 0, m: int = 6, c: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A batch small enough to read: x (m, c) with 2 decimals and distinct channel scales, gamma, beta (c,), and
    an upstream gradient dL/dy (m, c)."""
    rng = np.random.default_rng([seed, 7])
    loc, scale = np.array([2.0, -1.0, 0.5, 4.0])[:c], np.array([1.0, 3.0, 0.2, 0.7])[:c]
    x = np.round(loc + scale * rng.normal(size=(m, c)), 2)
    gamma, beta = np.round(rng.uniform(0.5, 2.0, size=c), 2), np.round(rng.normal(0, 1, size=c), 2)
    return x, gamma, beta, np.round(rng.normal(size=(m, c)), 2)
