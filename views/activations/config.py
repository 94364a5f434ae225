"""The frozen configs of the page: one per tab, and one for the depth chart the explorer tab adds below its charts."""

from __future__ import annotations

from dataclasses import dataclass


def notch(value: float) -> float:
    """A slider value rounded to its notch (0.1 + 0.1 + 0.1 is 0.30000000000000004 in floats): one key per notch
    for the caches, whether the slider gave it or the next mean was prepared ahead (views/activations/ahead.py)."""
    return round(float(value), 6)


@dataclass(frozen=True)
class ActConfig:
    """The activation and the pre-activation distribution z ~ N(mu, sigma^2) it is fed."""

    name: str  # ACTIVATIONS_1D key
    mu: float
    sigma: float
    threshold: float  # saturated where |f'| < threshold * max |f'|
    seed: int


@dataclass(frozen=True)
class DepthConfig:
    """The gradient's product of f'(z) through `depth` layers of the activation in `act`."""

    # Its own config, not a field of ActConfig: moving the depth slider must not miss the explorer's caches.
    act: ActConfig
    depth: int


@dataclass(frozen=True)
class CloudConfig:
    """The 2-D pixel cloud (n points) and the random layer of ReLUs laid over it."""

    rho: float  # correlation of the two pixel intensities
    n: int
    units: int
    init: str  # HYPERPLANE_INITS key
    eps: float  # added to each variance before whitening
    seed: int


@dataclass(frozen=True)
class DigitsConfig:
    """The 1797 digit images (64 pixels) whitened with eps, and the seeded random ReLUs over them."""

    eps: float  # added to each eigenvalue before 1/sqrt(lambda + eps)
    seed: int
