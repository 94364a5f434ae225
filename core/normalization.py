"""Normalization layers in NumPy: y = weight * (x - mean) / sqrt(var + eps) + bias over each element's set.

BatchNorm, LayerNorm, InstanceNorm, GroupNorm and RMSNorm differ only in which elements share a mean and a
variance (see ``core.norm_sets``); RMSNorm divides by the root mean square and subtracts nothing.

>>> y = normalize(x, "group", groups=4, eps=1e-5, weight=None, bias=None)   # x: (N, C, H, W)
>>> m = shared_stats_mask(x.shape, "group", index=(n, c, h, w), groups=4)   # who shares x[index]'s mean/var

Inputs may be (N, C), a sequence (N, L, C) (LayerNorm/RMSNorm per token, as transformers use them) or
(N, C, H, W). Statistics are the biased ones (divide by the set size), as torch uses to normalize.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core.norm_sets import (
    KINDS,
    affine_shape,
    canonical_shape,
    check_groups,
    check_kind,
    divisors,
    from_canonical,
    layout,
    set_ids,
    set_size,
    shared_stats_mask,
    stat_count,
    stats_shape,
    to_canonical,
)

__all__ = ["KINDS", "NORMALIZATIONS", "KERAS_MODES", "NormSpec", "SetStats", "normalize", "set_stats",
           "shared_stats_mask", "set_ids", "stat_count", "stats_shape", "affine_shape", "divisors",
           "zero_variance_sets", "check_eps"]


@dataclass(frozen=True)
class NormSpec:
    """One normalization: its torch name, what one set is, and when it is the right choice."""

    name: str
    title: str
    torch_name: str
    one_set: str  # the elements sharing one mean/var, for an image tensor
    used_for: str


NORMALIZATIONS: dict[str, NormSpec] = {
    "batch": NormSpec("batch", "BatchNorm", "batch_norm", "one channel across the batch and all positions (N, H, W)",
                      "CNNs trained with healthy batch sizes (32+)"),
    "layer": NormSpec("layer", "LayerNorm", "layer_norm", "one sample: all its channels and positions (C, H, W)",
                      "RNNs and transformers, variable lengths, batch of 1"),
    "instance": NormSpec("instance", "InstanceNorm", "instance_norm", "one channel of one sample (H, W)",
                         "style transfer: removes each image's per-channel contrast"),
    "group": NormSpec("group", "GroupNorm", "group_norm", "one group of C/G channels of one sample (C/G, H, W)",
                      "detection/segmentation with small batches (1-2 images per GPU)"),
    "rms": NormSpec("rms", "RMSNorm", "RMSNorm", "like LayerNorm, but only the root mean square is used",
                    "large language models (LLaMA, T5): LayerNorm without centring, cheaper"),
}

# The course's Keras 1 BatchNormalization modes, as the sets they normalize over.
KERAS_MODES: dict[int, tuple[str, str]] = {
    0: ("batch", "feature-wise: each feature (channel) over the batch"),
    1: ("layer", "sample-wise: each sample over its features"),
}


@dataclass(frozen=True)
class SetStats:
    """Per-set mean and biased variance on the ``stats_shape`` grid (RMSNorm: mean 0, var = mean square)."""

    kind: str
    mean: np.ndarray  # (rows, cols)
    var: np.ndarray  # (rows, cols)


def check_eps(eps: float) -> float:
    """eps as a float, checked to be a positive finite number."""
    eps = float(eps)
    if not math.isfinite(eps) or eps <= 0:
        raise ValueError(f"eps must be a small positive number (torch uses 1e-5); got {eps}. It keeps "
                         "sqrt(var + eps) away from 0 when a set's values are all equal.")
    return eps


def _reduced(xc: np.ndarray, kind: str, groups, seq: bool) -> tuple[np.ndarray, tuple[int, ...]]:
    """x (N, C, S) reshaped so that each set is reduced over the returned axes."""
    if kind == "batch":
        return xc, (0, 2)
    if kind == "instance":
        return xc, (2,)
    if kind == "group":
        n, c, s = xc.shape
        return xc.reshape(n, groups, c // groups, s), (2, 3)
    return xc, ((1,) if seq else (1, 2))


def _sum_sq(d: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """Sum of d**2 over axes (keepdims), without a temporary the size of d."""
    letters = "abcd"[:d.ndim]
    keep = "".join(a for i, a in enumerate(letters) if i not in axes)
    out = np.einsum(f"{letters},{letters}->{keep}", d, d)
    return out.reshape([1 if i in axes else d.shape[i] for i in range(d.ndim)])


def _moments(x: np.ndarray, kind: str, groups) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple]:
    """(x reshaped, mean, centred x, biased var) with keepdims; RMSNorm has mean 0, var the mean square and
    returns x itself (not a copy) as the centred x."""
    xr, axes = _reduced(to_canonical(x), kind, groups, layout(x.shape) == "sequence")
    count = math.prod(xr.shape[a] for a in axes)
    if kind == "rms":
        var = _sum_sq(xr, axes) / count
        _check_finite(var, x)
        return xr, np.zeros((1,) * xr.ndim), xr, var
    mean = xr.mean(axis=axes, keepdims=True)
    _check_finite(mean, x)
    d = xr - mean
    return xr, mean, d, _sum_sq(d, axes) / count


def _check_finite(stat: np.ndarray, x: np.ndarray) -> None:
    """A NaN or infinity in x shows up in its set's statistic, so only a non-finite statistic costs a full check."""
    if not np.isfinite(stat).all() and not np.isfinite(x).all():
        raise ValueError("The input contains NaN or infinity; normalization needs finite numbers.")


def _validate(x, kind: str, groups, eps: float, training: bool) -> tuple[np.ndarray, int | None]:
    check_kind(kind)
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    layout(x.shape)
    check_eps(eps)
    n, c, s = canonical_shape(x.shape)
    g = check_groups(c, groups) if kind == "group" else None
    if training and kind in ("batch", "instance") and set_size(x.shape, kind, g) == 1:
        what = "N = 1 and no spatial positions" if kind == "batch" else "no spatial positions (H*W = 1)"
        raise ValueError(f"{NORMALIZATIONS[kind].title} in training mode needs more than one value per set: with "
                         f"{what}, each set is a single number, its mean is the number itself and every output "
                         "would be exactly beta. torch raises here too ('Expected more than 1 value per channel "
                         "when training').")
    return x, g


def _check_affine(x_shape: tuple, kind: str, weight, bias) -> None:
    want = affine_shape(x_shape, kind)
    for name, p in (("weight (gamma)", weight), ("bias (beta)", bias)):
        if p is not None and np.shape(p) != want:
            raise ValueError(f"{name} must have shape {want} for {NORMALIZATIONS[kind].title} on {x_shape}; "
                             f"got {np.shape(p)}.")
    if kind == "rms" and bias is not None:
        raise ValueError("RMSNorm has no bias (beta): it only rescales.")


def _param(p, d: np.ndarray, kind: str, x_shape: tuple) -> np.ndarray:
    """gamma or beta (torch's shape) reshaped to broadcast against the reduced layout of x."""
    n, c, s = canonical_shape(x_shape)
    p = np.asarray(p, dtype=d.dtype)
    if kind == "group":
        return p.reshape(1, d.shape[1], d.shape[2], 1)
    return p.reshape(1, c, s if p.size == c * s and p.size > c else 1)


def normalize(x, kind: str, groups: int | None = None, eps: float = 1e-5, weight=None, bias=None,
              training: bool = True) -> np.ndarray:
    """Normalize x ((N, C), (N, L, C) or (N, C, H, W)) with batch statistics of each set; same shape out."""
    x, g = _validate(x, kind, groups, eps, training)
    _check_affine(x.shape, kind, weight, bias)
    xr, mean, d, var = _moments(x, kind, g)
    scale = 1.0 / np.sqrt(var + eps)
    w = None if weight is None else _param(weight, d, kind, x.shape)
    if w is not None and w.size < d.size and scale.size * w.size <= d.size:
        scale, w = scale * w, None  # per-channel gamma folds into the (small) scale: one pass less over x
    y = d * scale if d is xr else np.multiply(d, scale, out=d)
    if w is not None:
        y *= w
    if bias is not None:
        y += _param(bias, d, kind, x.shape)
    return np.ascontiguousarray(from_canonical(y.reshape(canonical_shape(x.shape)), x.shape))


def set_stats(x, kind: str, groups: int | None = None) -> SetStats:
    """Per-set mean and biased variance of x, on the ``stats_shape`` grid (e.g. GN: (N, G))."""
    x, g = _validate(x, kind, groups, 1e-5, training=False)
    _, mean, _, var = _moments(x, kind, g)
    grid = stats_shape(x.shape, kind, g)
    mean = np.broadcast_to(mean, var.shape)
    return SetStats(kind, mean.reshape(grid).copy(), var.reshape(grid).copy())


def zero_variance_sets(x, kind: str, groups: int | None = None, tol: float = 0.0) -> int:
    """How many sets have variance <= tol (their outputs are exactly beta: 0 / sqrt(eps))."""
    return int((set_stats(x, kind, groups).var <= tol).sum())
