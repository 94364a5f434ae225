"""Batch, stochastic and mini-batch gradient descent on linear regression y ≈ w x + b, whose loss is exact.

>>> data = make_data(n=100, noise=0.5, seed=0)
>>> res = gd_variants(data, batch_size=10, steps=200, lr=0.1)
>>> res.points.shape, res.losses.shape
((201, 3, 2), (201, 3))

The loss over p = (w, b) is L(p) = 1/(2n) sum_i (w x_i + b - y_i)^2 = 1/2 p^T H p - q^T p + c with
H = [[mean x^2, mean x], [mean x, 1]], q = [mean xy, mean y], c = 1/2 mean y^2: a quadratic, so the contour,
the least-squares minimum H^-1 q and the stability limit lr < 2 / lambda_max(H) of full-batch GD are exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.optim.engine import MAX_STEPS, Stepper, first_exit, prepare

__all__ = ["LinearData", "MinibatchGrad", "GDRun", "make_data", "gd_variants", "variant_batches", "BUDGETS"]

BUDGETS = {"steps": "the same number of updates", "epochs": "the same number of passes over the data"}


@dataclass(frozen=True)
class LinearData:
    """Points x (n,), y (n,) float64 and the exact quadratic loss of the line w x + b through them."""

    x: np.ndarray
    y: np.ndarray

    @property
    def n(self) -> int:
        """Number of examples."""
        return len(self.x)

    @property
    def hessian(self) -> np.ndarray:
        """H (2, 2) of L over (w, b): the same at every point, since L is quadratic."""
        mx = self.x.mean()
        return np.array([[np.mean(self.x * self.x), mx], [mx, 1.0]])

    @property
    def q(self) -> np.ndarray:
        """q (2,) = [mean xy, mean y], the linear term of L."""
        return np.array([np.mean(self.x * self.y), self.y.mean()])

    @property
    def minimum(self) -> np.ndarray:
        """The least-squares solution (w*, b*) = H^-1 q (2,)."""
        return np.linalg.solve(self.hessian, self.q)

    @property
    def max_stable_lr(self) -> float:
        """2 / lambda_max(H): full-batch SGD without momentum diverges above this learning rate."""
        return float(2.0 / np.linalg.eigvalsh(self.hessian)[-1])

    def value(self, p: np.ndarray) -> np.ndarray:
        """L at points p (..., 2) -> (...), from the closed form (no pass over the data)."""
        p = np.asarray(p, dtype=np.float64)
        with np.errstate(all="ignore"):
            hp = p @ self.hessian
            return 0.5 * np.sum(hp * p, axis=-1) - p @ self.q + 0.5 * np.mean(self.y * self.y)

    def grad(self, p: np.ndarray) -> np.ndarray:
        """Exact full-data gradient H p - q at points p (..., 2) -> (..., 2)."""
        return np.asarray(p, dtype=np.float64) @ self.hessian - self.q

    def box(self, start, pad: float = 0.7) -> tuple[float, float, float, float]:
        """A square view (wmin, wmax, bmin, bmax) around the start (2,) and the minimum, both well inside."""
        a, m = np.asarray(start, float), self.minimum
        (cw, cb), half = (a + m) / 2, pad * float(np.max(np.abs(a - m))) + 0.5
        return cw - half, cw + half, cb - half, cb + half

    def grid(self, box: tuple[float, float, float, float], n: int = 120):
        """ws (n,), bs (n,), Z (n, n) with Z[i, j] = L(ws[j], bs[i]) over box (wmin, wmax, bmin, bmax)."""
        ws, bs = np.linspace(box[0], box[1], n), np.linspace(box[2], box[3], n)
        W, B = np.meshgrid(ws, bs)
        return ws, bs, self.value(np.stack([W, B], axis=-1))


def make_data(n: int = 100, noise: float = 0.5, seed: int = 0, w: float = 2.0, b: float = -1.0) -> LinearData:
    """n points y = w x + b + noise * N(0, 1) with x ~ N(1, 1) (an off-centre x tilts and stretches the bowl)."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 2 <= n <= 10_000:
        raise ValueError(f"The data set needs between 2 and 10000 points, got {n}.")
    if not (np.isfinite(noise) and 0.0 <= noise <= 10.0):
        raise ValueError(f"The noise must be between 0 and 10, got {noise}.")
    rng = np.random.default_rng([int(seed), 2718281])
    x = rng.normal(1.0, 1.0, n)
    return LinearData(x, w * x + b + noise * rng.normal(0.0, 1.0, n))


class MinibatchGrad:
    """The engine's grad_into for rows of different batch sizes: each call gives row r the mean gradient over its
    next mini-batch of batch_sizes[r] examples, reshuffling every epoch like DataLoader(shuffle=True) (the last
    batch of an epoch may be smaller). A row's sequence of batches depends only on (seed, its batch size)."""

    def __init__(self, data: LinearData, batch_sizes, seed: int = 0):
        self.x, self.y, n = data.x, data.y, data.n
        self.sizes = [int(b) for b in batch_sizes]
        if any(not 1 <= b <= n for b in self.sizes):
            raise ValueError(f"Batch sizes must be between 1 and the {n} data points, got {self.sizes}.")
        self.rngs = [np.random.default_rng([int(seed), b, 104651]) for b in self.sizes]
        self.orders = [np.arange(n) if b == n else rng.permutation(n) for b, rng in zip(self.sizes, self.rngs,
                                                                                         strict=True)]
        self.cursors = [0] * len(self.sizes)

    def _next(self, r: int) -> np.ndarray:
        b, n, c = self.sizes[r], len(self.x), self.cursors[r]
        if b == n:  # full batch: always every point, in order, so it matches the full-data gradient exactly
            return self.orders[r]
        idx = self.orders[r][c:c + b]
        self.cursors[r] = c + b
        if self.cursors[r] >= n:
            self.orders[r], self.cursors[r] = self.rngs[r].permutation(n), 0
        return idx

    def __call__(self, p: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Mini-batch gradients of rows p (B, 2) written into out (B, 2)."""
        for r in range(len(self.sizes)):
            idx = self._next(r)
            x = self.x[idx]
            resid = p[r, 0] * x + p[r, 1] - self.y[idx]
            out[r, 0], out[r, 1] = np.mean(resid * x), np.mean(resid)
        return out


@dataclass(frozen=True)
class GDRun:
    """Variants side by side: points (T+1, V, 2) and exact full-data losses (T+1, V); NaN after a row's end."""

    names: tuple[str, ...]
    batch_sizes: tuple[int, ...]
    points: np.ndarray
    losses: np.ndarray
    steps_per_epoch: tuple[int, ...]  # ceil(n / b): updates in one pass over the data
    steps: tuple[int, ...]  # updates each variant made (they differ when the budget is epochs)
    diverged_at: tuple[int | None, ...]


def variant_batches(n: int, batch_size: int) -> dict[str, int]:
    """The three classic variants: name -> batch size (full batch n, stochastic 1, mini-batch b)."""
    if not 1 <= batch_size <= n:
        raise ValueError(f"The mini-batch size ({batch_size}) must be between 1 and the {n} data points; a batch "
                         "cannot hold more examples than the data set has.")
    return {"Full batch (GD)": n, "Stochastic (batch 1)": 1, f"Mini-batch (batch {batch_size})": batch_size}


def gd_variants(data: LinearData, batch_size: int = 10, optimizer: str = "sgd", start=(-1.0, 3.0),
                steps: int = 100, seed: int = 0, budget: str = "steps", **hyper) -> GDRun:
    """Full-batch, batch-1 and batch-b runs of one optimizer (torch names: lr, momentum...) through the engine.

    budget "steps": every variant makes ``steps`` updates; "epochs": each makes ``steps`` passes over the data,
    i.e. steps * ceil(n / b) updates, so the stochastic run makes n times as many as the full-batch one.
    """
    if budget not in BUDGETS:
        raise ValueError(f"Unknown budget {budget!r}; choose one of {', '.join(BUDGETS)}.")
    names, sizes = zip(*variant_batches(data.n, batch_size).items(), strict=True)
    per_epoch = tuple(-(-data.n // b) for b in sizes)
    own = tuple(steps * k for k in per_epoch) if budget == "epochs" else (steps,) * len(sizes)
    total = max(own)
    if total > MAX_STEPS:
        raise ValueError(f"That budget needs {total} updates (the stochastic run makes {per_epoch[1]} per epoch); "
                         f"the limit is {MAX_STEPS}. Use fewer epochs or fewer data points.")
    batch = prepare([(optimizer, hyper)] * len(sizes), np.tile(np.asarray(start, float), (len(sizes), 1)), total)
    stepper = Stepper(batch.groups, batch.p0, MinibatchGrad(data, sizes, seed))
    pts = np.full((total + 1, len(sizes), 2), np.nan)
    pts[0] = batch.p0
    with np.errstate(all="ignore"):
        for t in range(1, total + 1):
            pts[t] = stepper.step(t)[0]
    # Every row has one rule, so the engine kept config order; a row leaves the world far outside the picture.
    bound = 1e3 * (1.0 + np.abs(np.r_[batch.p0[0], data.minimum]).max())
    exits = first_exit(pts, bound)
    t = np.arange(total + 1)[:, None]
    pts[(t >= exits[None, :]) | (t > np.array(own)[None, :])] = np.nan
    diverged = tuple(int(k) if k <= o else None for k, o in zip(exits, own, strict=True))
    return GDRun(names, sizes, pts, data.value(pts), per_epoch, own, diverged)
