"""Seeded gradient noise: exact gradient descent on a surface becomes stochastic gradient descent.

A `GradientNoise` wraps a surface's `grad_into(p (B, 2), out (B, 2))`. Row r draws from its own generator
`np.random.default_rng([seed_r, path_r])`, so a run's noise does not depend on which other runs share the batch,
and call k (k = 0 is the gradient at the start point, k = t the one at the point after step t) always uses the
k-th draw of every row's stream.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CHUNK = 256  # draws made at once per row: one generator call per row every CHUNK steps


@dataclass(frozen=True)
class NoiseSpec:
    """One kind of gradient noise: how a draw xi ~ N(0, I) (B, 2) changes the exact gradient g."""

    name: str
    title: str
    latex: str  # with xi ~ N(0, I) drawn afresh at every step
    note: str


NOISES = {n.name: n for n in [
    NoiseSpec("additive", "Additive", r"\tilde g = \nabla f + \sigma\,\xi",
              "the same spread everywhere, so the path keeps jittering at the minimum unless the steps shrink"),
    NoiseSpec("multiplicative", "Multiplicative",
              r"\tilde g = \nabla f \odot (1 + \sigma\,\xi)",
              "the spread scales with the gradient, so it fades near a minimum (like minibatch noise at an "
              "interpolating fit)"),
]}


def validate(kind: str, scale: float) -> None:
    """ValueError with a sentence for an unknown kind or a scale that is not a finite number >= 0."""
    if kind not in NOISES:
        raise ValueError(f"Unknown gradient noise {kind!r}; use one of {', '.join(NOISES)}.")
    if isinstance(scale, bool) or not isinstance(scale, int | float | np.number) or not 0 <= scale < np.inf:
        raise ValueError(f"The noise scale sigma must be a finite number >= 0, got {scale!r}.")


class GradientNoise:
    """grad_into(p (B, 2), out (B, 2)) of the wrapped surface plus seeded noise; each row has its own stream."""

    def __init__(self, grad_into, kind: str, scale: float, seeds) -> None:
        validate(kind, scale)
        self.grad_into, self.kind, self.scale = grad_into, kind, float(scale)
        self.rngs = [np.random.default_rng([int(s) for s in np.atleast_1d(seed)]) for seed in seeds]
        self.block = np.empty((0, len(self.rngs), 2))
        self.k = 0  # calls so far

    def _refill(self) -> None:
        """The next CHUNK draws of every row as (CHUNK, B, 2), pre-scaled for the update (why: one op per call)."""
        xi = np.stack([rng.standard_normal((CHUNK, 2)) for rng in self.rngs], axis=1)
        self.block = self.scale * xi if self.kind == "additive" else 1.0 + self.scale * xi

    def __call__(self, p: np.ndarray, out: np.ndarray) -> np.ndarray:
        self.grad_into(p, out)
        i = self.k % CHUNK
        if i == 0:
            self._refill()
        self.k += 1
        if self.kind == "additive":
            return np.add(out, self.block[i], out=out)
        return np.multiply(out, self.block[i], out=out)
