"""Datasets that ship with normlab: scikit-learn's bundled digits and seeded 2-D toy sets; nothing downloads.

>>> split = load("moons", seed=0)
>>> split.x_train.shape, split.x_train.dtype, split.n_classes
((450, 2), dtype('float32'), 2)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from core import digits

__all__ = ["DATASETS", "DatasetSpec", "Split", "load"]


@dataclass(frozen=True)
class Split:
    """Train/test arrays: x (n, d) float32, y (n,) int64 class labels in 0..n_classes-1."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    n_classes: int
    image_shape: tuple[int, int] | None  # (8, 8) for digits: rows of x reshape to it; None for 2-D points
    title: str

    @property
    def n_features(self) -> int:
        """Input dimension d."""
        return int(self.x_train.shape[1])


@dataclass(frozen=True)
class DatasetSpec:
    """One registry entry: how to make (x, y) and whether its size and noise can be chosen."""

    title: str
    make: Callable[[np.random.Generator, int, float], tuple[np.ndarray, np.ndarray]]
    n_classes: int
    default_noise: float
    synthetic: bool = True
    image_shape: tuple[int, int] | None = None


@lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    images, target = digits.load()  # scikit-learn's data file, without importing scikit-learn (core/digits.py)
    x = (images.reshape(len(images), -1) / 16.0).astype(np.float32)  # pixel intensities 0..16 -> [0, 1]
    x.setflags(write=False)
    y = target.astype(np.int64)
    y.setflags(write=False)
    return x, y


def _make_digits(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    return _digits()


def _make_spiral(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    # CS231n's three-armed spiral: arm k turns by 4 radians while its radius grows from 0 to 1.
    y = np.arange(n) % 3
    r = rng.uniform(0.0, 1.0, n)
    theta = y * (2 * np.pi / 3) + 4.0 * r + rng.normal(0.0, noise, n)
    return np.c_[r * np.cos(theta), r * np.sin(theta)], y


def _make_moons(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    y = np.arange(n) % 2
    t = rng.uniform(0.0, np.pi, n)
    x = np.where(y[:, None] == 0, np.c_[np.cos(t), np.sin(t)], np.c_[1 - np.cos(t), 0.5 - np.sin(t)])
    return x - [0.5, 0.25] + rng.normal(0.0, noise, (n, 2)), y


def _make_circles(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    y = np.arange(n) % 2
    t = rng.uniform(0.0, 2 * np.pi, n)
    r = np.where(y == 0, 1.0, 0.5)
    return np.c_[r * np.cos(t), r * np.sin(t)] + rng.normal(0.0, noise, (n, 2)), y


def _make_xor(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    # Points in the four quadrants, kept away from the axes so the classes are separable without noise.
    x = rng.uniform(0.05, 1.0, (n, 2)) * rng.choice([-1.0, 1.0], (n, 2))
    y = (np.sign(x[:, 0]) != np.sign(x[:, 1])).astype(np.int64)
    return x + rng.normal(0.0, noise, (n, 2)), y


DATASETS: dict[str, DatasetSpec] = {
    "digits": DatasetSpec("Digits (8x8 images, 10 classes)", _make_digits, 10, 0.0, synthetic=False,
                          image_shape=(8, 8)),
    "spiral": DatasetSpec("Spiral (3 arms)", _make_spiral, 3, 0.2),
    "moons": DatasetSpec("Two moons", _make_moons, 2, 0.1),
    "circles": DatasetSpec("Circles", _make_circles, 2, 0.1),
    "xor": DatasetSpec("XOR (four quadrants)", _make_xor, 2, 0.1),
}


def stratified(y: np.ndarray, test_fraction: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Train and test indices with each class split in the same proportion (both shuffled)."""
    train, test = [], []
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        k = int(round(test_fraction * len(idx)))
        test.append(idx[:k])
        train.append(idx[k:])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))


def load(name: str, seed: int = 0, test_fraction: float = 0.25, n: int = 600, noise: float | None = None) -> Split:
    """The dataset ``name`` split into train/test by ``seed`` (``n`` and ``noise`` apply to synthetic sets only)."""
    if name not in DATASETS:
        raise ValueError(f"Unknown dataset {name!r}; choose one of {', '.join(DATASETS)}.")
    spec = DATASETS[name]
    if not 0.05 <= test_fraction <= 0.5:
        raise ValueError(f"The test fraction must be between 0.05 and 0.5, got {test_fraction}.")
    if spec.synthetic and not 40 <= n <= 20_000:
        raise ValueError(f"A synthetic dataset needs between 40 and 20000 points, got {n}.")
    noise = spec.default_noise if noise is None else float(noise)
    if not (np.isfinite(noise) and 0.0 <= noise <= 2.0):
        raise ValueError(f"Noise must be between 0 and 2, got {noise}.")
    rng = np.random.default_rng([int(seed), 7919])  # a stream of its own, apart from the weight init
    x, y = spec.make(rng, n, noise)
    train, test = stratified(np.asarray(y), test_fraction, rng)
    x = np.asarray(x, dtype=np.float32)
    y = np.asarray(y, dtype=np.int64)
    return Split(x[train], y[train], x[test], y[test], spec.n_classes, spec.image_shape, spec.title)
