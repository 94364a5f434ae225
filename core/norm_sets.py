"""Which elements share a mean and a variance: the "sets" of each normalization, as index geometry only.

Layouts, told apart by ndim: (N, C) features, (N, L, C) a sequence of tokens as transformers store it, and
(N, C, H, W) images. Internally every layout is seen channel-first as (N, C, S) with S the positions
(S = 1 for (N, C), S = L for sequences, S = H * W for images).
"""

from __future__ import annotations

import math

import numpy as np

KINDS = ("batch", "layer", "instance", "group", "rms")


def layout(shape: tuple[int, ...]) -> str:
    """Name of the layout of a shape: "features" (N, C), "sequence" (N, L, C) or "image" (N, C, H, W)."""
    names = {2: "features", 3: "sequence", 4: "image"}
    if len(shape) not in names:
        raise ValueError(f"Expected a tensor of shape (N, C), (N, L, C) or (N, C, H, W); got {len(shape)} "
                         f"dimensions {tuple(shape)}.")
    if any(int(d) < 1 for d in shape):
        raise ValueError(f"Every size must be at least 1; got shape {tuple(shape)}.")
    return names[len(shape)]


def canonical_shape(shape: tuple[int, ...]) -> tuple[int, int, int]:
    """(N, C, S) of a shape: samples, channels and positions per channel."""
    kind = layout(shape)
    if kind == "features":
        return shape[0], shape[1], 1
    if kind == "sequence":
        return shape[0], shape[2], shape[1]
    return shape[0], shape[1], shape[2] * shape[3]


def check_kind(kind: str) -> None:
    """Raise a readable ValueError for an unknown normalization name."""
    if kind not in KINDS:
        raise ValueError(f"Unknown normalization {kind!r}; choose one of {', '.join(KINDS)}.")


def check_groups(channels: int, groups) -> int:
    """The number of groups G as an int, checked to divide the number of channels C."""
    if groups is None or isinstance(groups, bool) or not float(groups).is_integer():
        raise ValueError(f"GroupNorm needs a whole number of groups G; got {groups!r}.")
    g = int(groups)
    if g < 1 or g > channels:
        raise ValueError(f"GroupNorm needs 1 <= G <= C = {channels}; got G = {g}.")
    if channels % g:
        raise ValueError(f"G = {g} does not divide C = {channels}: the {channels} channels cannot be split into "
                         f"{g} equal groups. Divisors of {channels}: {divisors(channels)}.")
    return g


def divisors(n: int) -> list[int]:
    """All divisors of n in increasing order (the valid group counts for C = n)."""
    small = [d for d in range(1, math.isqrt(n) + 1) if n % d == 0]
    return sorted(set(small + [n // d for d in small]))


def stats_shape(shape: tuple[int, ...], kind: str, groups: int | None = None) -> tuple[int, int]:
    """(rows, cols) grid of the statistics: BN (1, C), LN (N, 1) or (N, L), IN (N, C), GN (N, G), RMS like LN."""
    check_kind(kind)
    n, c, s = canonical_shape(shape)
    seq = layout(shape) == "sequence"
    if kind == "batch":
        return 1, c
    if kind in ("layer", "rms"):
        return (n, s) if seq else (n, 1)
    if kind == "instance":
        return n, c
    return n, check_groups(c, groups)


def stat_count(shape: tuple[int, ...], kind: str, groups: int | None = None) -> int:
    """How many (mean, var) pairs one forward pass computes: BN C, LN N, IN N*C, GN N*G (per token for sequences)."""
    rows, cols = stats_shape(shape, kind, groups)
    return rows * cols


def set_size(shape: tuple[int, ...], kind: str, groups: int | None = None) -> int:
    """How many elements share one mean and variance."""
    return math.prod(shape) // stat_count(shape, kind, groups)


def affine_shape(shape: tuple[int, ...], kind: str) -> tuple[int, ...]:
    """Shape of gamma and beta as torch's modules hold them: per channel, or LN/RMS's normalized_shape."""
    check_kind(kind)
    n, c, s = canonical_shape(shape)
    if kind in ("layer", "rms") and layout(shape) == "image":
        return tuple(shape[1:])
    return (c,)


def set_ids(shape: tuple[int, ...], kind: str, groups: int | None = None) -> np.ndarray:
    """Integer label (same shape as the tensor) of the set each element belongs to; equal labels share stats."""
    rows, cols = stats_shape(shape, kind, groups)
    n, c, s = canonical_shape(shape)
    ni = np.arange(n)[:, None, None]
    ci = np.arange(c)[None, :, None]
    si = np.arange(s)[None, None, :]
    if kind == "batch":
        ids = ci
    elif kind in ("layer", "rms"):
        ids = ni * cols + (si if cols > 1 else 0)
    elif kind == "instance":
        ids = ni * c + ci
    else:
        ids = ni * cols + ci // (c // cols)
    ids = np.broadcast_to(ids, (n, c, s))
    return from_canonical(ids, shape)


def from_canonical(a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """An (N, C, S) array back in the layout of ``shape``."""
    kind = layout(shape)
    if kind == "sequence":
        return a.transpose(0, 2, 1)
    return a.reshape(shape)


def to_canonical(x: np.ndarray) -> np.ndarray:
    """A view (when possible) of x as (N, C, S)."""
    kind = layout(x.shape)
    if kind == "sequence":
        return x.transpose(0, 2, 1)
    return x.reshape(canonical_shape(x.shape))


def shared_stats_mask(shape: tuple[int, ...], kind: str, index: tuple[int, ...],
                      groups: int | None = None) -> np.ndarray:
    """Boolean array of ``shape``: True where an element shares x[index]'s mean and variance."""
    shape = tuple(int(d) for d in shape)
    ids = set_ids(shape, kind, groups)
    index = tuple(int(i) for i in index)
    if len(index) != len(shape) or any(not 0 <= i < d for i, d in zip(index, shape, strict=True)):
        raise ValueError(f"Cell {index} is outside a tensor of shape {shape}: each index must be in "
                         f"[0, size - 1].")
    return ids == ids[index]
