"""What an activation does to a Gaussian pre-activation z ~ N(mu, sigma^2): saturation, output, depth.

>>> round(dead_relu_fraction(0.0, 1.0), 3)
0.5

"Saturated" means |f'(z)| < threshold * max|f'|: the region where backpropagation shrinks the signal by more
than ``threshold`` relative to the activation's best slope. A ReLU is *dead* on an input where f'(z) = 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.activation_capture import Histogram, histogram
from core.activations import get, normal_cdf, normal_pdf

__all__ = ["DepthProducts", "Explorer", "Pushed", "dead_relu_fraction", "depth_products", "expected_abs_slope",
           "explore", "gaussian_mass", "push_gaussian", "saturation_intervals"]

SPAN = 40.0  # intervals are searched on [-SPAN, SPAN]; one touching an end continues to infinity
MU, SIGMA = (-10.0, 10.0), (1e-3, 100.0)  # accepted pre-activation means and standard deviations


def _check(mu: float, sigma: float) -> None:
    if not (np.isfinite(mu) and MU[0] <= mu <= MU[1]):
        raise ValueError(f"The pre-activation mean must be a number in [{MU[0]:g}, {MU[1]:g}], got {mu}.")
    if not (np.isfinite(sigma) and SIGMA[0] <= sigma <= SIGMA[1]):
        raise ValueError(f"The pre-activation std must be in [{SIGMA[0]:g}, {SIGMA[1]:g}], got {sigma}.")


def saturation_intervals(name: str, threshold: float, n: int = 80_001) -> list[tuple[float, float]]:
    """Disjoint (a, b) intervals, a < b, where |f'| < threshold * peak; ends may be -inf / inf."""
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"The saturation threshold must be strictly between 0 and 1, got {threshold}.")
    act = get(name)
    cut = threshold * act.peak

    def inside(x: np.ndarray) -> np.ndarray:
        return np.abs(act.df(x)) < cut

    x = np.linspace(-SPAN, SPAN, n)
    m = inside(x)
    change = np.flatnonzero(m[1:] != m[:-1])
    lo, hi = x[change], x[change + 1]
    for _ in range(60):  # bisection of every boundary at once, down to float64 resolution
        mid = (lo + hi) / 2
        same = inside(mid) == m[change]
        lo, hi = np.where(same, mid, lo), np.where(same, hi, mid)
    edges = [-np.inf] if m[0] else []
    # a kink at the origin lands within 1e-20 of it; print it as the 0 it is
    edges += [0.0 if abs(e) < 1e-12 else float(e) for e in (lo + hi) / 2] + ([np.inf] if m[-1] else [])
    return [(float(a), float(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def gaussian_mass(intervals: list[tuple[float, float]], mu: float, sigma: float) -> float:
    """P(a < z < b summed over the intervals) for z ~ N(mu, sigma^2)."""
    _check(mu, sigma)
    if not intervals:
        return 0.0
    a, b = np.array(intervals).T
    return float(np.sum(normal_cdf((b - mu) / sigma) - normal_cdf((a - mu) / sigma)))


def dead_relu_fraction(mu: float, sigma: float) -> float:
    """Share of ReLU inputs z ~ N(mu, sigma^2) with zero gradient: P(z <= 0) = Phi(-mu / sigma)."""
    _check(mu, sigma)
    return float(normal_cdf(-mu / sigma))


def expected_abs_slope(name: str, mu: float, sigma: float, n: int = 200_001) -> float:
    """E|f'(z)| for z ~ N(mu, sigma^2), trapezoid rule on mu +- 12 sigma."""
    _check(mu, sigma)
    t = np.linspace(-12.0, 12.0, n)
    w = np.exp(-0.5 * t**2) / np.sqrt(2 * np.pi)
    return float(np.trapezoid(np.abs(get(name).df(mu + sigma * t)) * w, t))


@dataclass(frozen=True)
class Explorer:
    """f, f' and the density of z ~ N(mu, sigma^2) on a grid x (n,), with the saturation summary."""

    x: np.ndarray
    f: np.ndarray
    df: np.ndarray
    density: np.ndarray
    intervals: list[tuple[float, float]]
    peak: float  # max |f'|
    peak_x: float  # where |f'| is largest (the smallest such x on the grid)
    saturated: float  # P(z in the saturation intervals)
    dead_relu: float  # Phi(-mu / sigma), whatever the activation: the ReLU reference


def explore(name: str, mu: float, sigma: float, threshold: float, n: int = 801) -> Explorer:
    """The activation on a window wide enough for [-6, 6] and mu +- 3 sigma (at most +-40)."""
    _check(mu, sigma)
    act = get(name)
    lo, hi = max(min(-6.0, mu - 3 * sigma), -SPAN), min(max(6.0, mu + 3 * sigma), SPAN)
    x = np.linspace(lo, hi, n)
    df = act.df(x)
    intervals = saturation_intervals(name, threshold)
    return Explorer(x, act.f(x), df, normal_pdf((x - mu) / sigma) / sigma, intervals, act.peak,
                    float(x[np.argmax(np.abs(df))]), gaussian_mass(intervals, mu, sigma), dead_relu_fraction(mu, sigma))


def _hist(v: np.ndarray, bins: int) -> Histogram:
    lo, hi = float(v.min()), float(v.max())
    if hi - lo < 1e-9:  # a constant output (e.g. a fully dead ReLU) still gets a visible bar
        lo, hi = lo - 0.5, hi + 0.5
    return histogram(torch.from_numpy(v), np.linspace(lo, hi, bins + 1))


@dataclass(frozen=True)
class Pushed:
    """A Gaussian sample pushed through f: histograms of z, f(z) and f'(z), share of saturated samples."""

    z: Histogram
    out: Histogram
    slope: Histogram
    saturated: float  # share of the samples whose |f'(z)| < threshold * peak
    zero_output: float  # share with f(z) exactly 0 (the ReLU spike)


def push_gaussian(name: str, mu: float, sigma: float, threshold: float = 0.1, n: int = 20_000, seed: int = 0,
                  bins: int = 60) -> Pushed:
    """Draw n samples z ~ N(mu, sigma^2) (seeded) and histogram z, f(z) and f'(z)."""
    _check(mu, sigma)
    act = get(name)
    z = np.random.default_rng(seed).normal(mu, sigma, n)
    y, dy = act.f(z), act.df(z)
    sat = float(np.mean(np.abs(dy) < threshold * act.peak))
    return Pushed(_hist(z, bins), _hist(y, bins), _hist(dy, bins), sat, float(np.mean(y == 0.0)))


@dataclass(frozen=True)
class DepthProducts:
    """|prod_l f'(z_l)| along random backprop paths, z_l iid N(mu, sigma^2), against depth l = 1..L.

    Quantiles are over paths (0 where a ReLU path died); ``expected`` is (E|f'|)^l, ``bound`` is peak^l.
    """

    depth: np.ndarray  # (L,) 1..L
    q10: np.ndarray
    q50: np.ndarray
    q90: np.ndarray
    zero: np.ndarray  # (L,) share of paths whose product is exactly 0
    expected: np.ndarray
    bound: np.ndarray


def depth_products(name: str, mu: float, sigma: float, depth: int, paths: int = 4000,
                   seed: int = 0) -> DepthProducts:
    """Monte Carlo over ``paths`` chains of ``depth`` independent pre-activations (seeded)."""
    _check(mu, sigma)
    if not 1 <= depth <= 200:
        raise ValueError(f"Depth must be a whole number from 1 to 200, got {depth}.")
    act = get(name)
    slopes = np.abs(act.df(np.random.default_rng(seed).normal(mu, sigma, (paths, depth))))
    with np.errstate(divide="ignore"):  # log 0 = -inf marks a dead path, exactly what we count
        logs = np.cumsum(np.log(slopes), axis=1)
    # "nearest" never interpolates between -inf and a finite log (which would give NaN)
    q = np.exp(np.quantile(logs, [0.1, 0.5, 0.9], axis=0, method="nearest"))
    layers = np.arange(1, depth + 1)
    return DepthProducts(layers, q[0], q[1], q[2], np.mean(np.isneginf(logs), axis=0),
                         expected_abs_slope(name, mu, sigma) ** layers, act.peak ** layers.astype(np.float64))
