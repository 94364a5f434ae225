"""A 2-D loss surface f(x, y): value and exact gradient on points, a view box, known minima and start points."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch


@dataclass(frozen=True)
class Surface:
    """A loss surface: value/gradient on points p (..., 2), a default view box and known minima."""

    name: str
    title: str
    latex: str
    formula: Callable  # (x, y, m) -> f, m is numpy or torch
    gradient: Callable  # (x, y) -> (df/dx, df/dy), numpy
    box: tuple[float, float, float, float]  # xmin, xmax, ymin, ymax
    minima: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    starts: tuple[tuple[float, float], ...] = ((0.0, 0.0),)
    note: str = ""

    @property
    def bound(self) -> float:
        """Divergence radius: a run with max(|x|, |y|) beyond 10x the box's largest extent has left the picture."""
        return 10.0 * max(abs(v) for v in self.box)

    def value(self, p: np.ndarray) -> np.ndarray:
        """f at points p (..., 2) -> (...)."""
        p = np.asarray(p, dtype=np.float64)
        with np.errstate(all="ignore"):
            return np.asarray(self.formula(p[..., 0], p[..., 1], np) + 0.0 * p[..., 0])

    def grad_into(self, p: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Gradient of rows p (B, 2) written into out (B, 2): the engine's hot path, no allocation or checks."""
        out[:, 0], out[:, 1] = self.gradient(p[:, 0], p[:, 1])
        return out

    def grad(self, p: np.ndarray) -> np.ndarray:
        """Exact gradient at points p (..., 2) -> (..., 2)."""
        p = np.asarray(p, dtype=np.float64)
        with np.errstate(all="ignore"):
            gx, gy = self.gradient(p[..., 0], p[..., 1])
        return np.stack(np.broadcast_arrays(gx + 0.0 * p[..., 0], gy + 0.0 * p[..., 1]), axis=-1)

    def torch_value(self, t: torch.Tensor) -> torch.Tensor:
        """f of a torch tensor (2,) (the autograd oracle)."""
        return self.formula(t[0], t[1], torch)

    def grid(self, n: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """xs (n,), ys (n,), Z (n, n) with Z[i, j] = f(xs[j], ys[i]) over the box, for contours."""
        xs = np.linspace(self.box[0], self.box[1], n)
        ys = np.linspace(self.box[2], self.box[3], n)
        X, Y = np.meshgrid(xs, ys)
        return xs, ys, self.value(np.stack([X, Y], axis=-1))
