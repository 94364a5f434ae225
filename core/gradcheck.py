"""Gradient checking: a small net's hand-written backward pass vs the centred finite difference of its loss.

The net: x (N, D) -> linear (D, H) -> tanh -> linear (H, C) -> softmax cross-entropy (mean over N) plus the L2
penalty ``reg * (|W1|^2 + |W2|^2)``. Its layers are torch.autograd.Functions with a backward written by hand, as
in CS231n's assignments; each entry of ``BUGS`` swaps one of them for a plausible mistake.
All parameters live in one flat vector theta (P,) in the order of ``SHAPES``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

__all__ = ["BUGS", "SHAPES", "THRESHOLDS", "Problem", "make_problem", "loss", "analytic_grad", "numerical_grad",
           "relative_error", "tensor_errors", "GradCheck", "check", "h_sweep", "torch_verdict"]

N, D, H, C = 10, 4, 6, 3
SHAPES = {"W1": (D, H), "b1": (H,), "W2": (H, C), "b2": (C,)}
SIZES = [int(np.prod(s)) for s in SHAPES.values()]
THRESHOLDS = {"fine": 1e-7, "suspicious": 1e-4}  # CS231n: < 1e-7 is right; > 1e-4 for a smooth net is a bug
BUGS = {
    "none": "no bug: every backward is correct",
    "tanh_square": "tanh backward uses 1 - y instead of 1 - y\u00b2",
    "bias_mean": "linear backward averages the bias gradient over the batch (missing factor N)",
    "l2_factor": "L2 penalty backward forgets the factor 2 of d(reg W\u00b2)/dW",
}


@dataclass(frozen=True)
class Problem:
    """Data and a parameter point: x (N, D), y (N,), theta (P,), all in one dtype."""

    x: torch.Tensor
    y: torch.Tensor
    theta: torch.Tensor
    reg: float


def make_problem(seed: int = 0, dtype: torch.dtype = torch.float64, reg: float = 0.05) -> Problem:
    """Random inputs, labels and weights from ``seed`` (drawn in float64, then cast, so dtypes share a point)."""
    g = torch.Generator().manual_seed(int(seed))
    x = torch.randn(N, D, generator=g, dtype=torch.float64)
    y = torch.randint(0, C, (N,), generator=g)
    theta = 0.7 * torch.randn(sum(SIZES), generator=g, dtype=torch.float64)
    return Problem(x.to(dtype), y, theta.to(dtype), reg)


def _split(theta: torch.Tensor) -> list[torch.Tensor]:
    """theta (..., P) -> W1 (..., D, H), b1 (..., H), W2 (..., H, C), b2 (..., C)."""
    parts = torch.split(theta, SIZES, dim=-1)
    return [p.reshape(*theta.shape[:-1], *s) for p, s in zip(parts, SHAPES.values(), strict=True)]


class _Linear(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w, b, bug):
        ctx.save_for_backward(x, w)
        ctx.bug = bug
        return x @ w + b

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        gb = g.mean(0) if ctx.bug == "bias_mean" else g.sum(0)
        return g @ w.T, x.T @ g, gb, None


class _Tanh(torch.autograd.Function):
    @staticmethod
    def forward(ctx, z, bug):
        y = torch.tanh(z)
        ctx.save_for_backward(y)
        ctx.bug = bug
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * ((1 - y) if ctx.bug == "tanh_square" else (1 - y * y)), None


class _L2(torch.autograd.Function):
    @staticmethod
    def forward(ctx, w, reg, bug):
        ctx.save_for_backward(w)
        ctx.reg, ctx.bug = reg, bug
        return reg * (w * w).sum()

    @staticmethod
    def backward(ctx, g):
        (w,) = ctx.saved_tensors
        factor = 1.0 if ctx.bug == "l2_factor" else 2.0
        return g * factor * ctx.reg * w, None, None


def loss(params: list[torch.Tensor], prob: Problem, bug: str = "none") -> torch.Tensor:
    """Scalar loss of the hand-written net at params [W1, b1, W2, b2]; its backward carries ``bug``."""
    if bug not in BUGS:
        raise ValueError(f"Unknown bug {bug!r}; choose one of {', '.join(BUGS)}.")
    w1, b1, w2, b2 = params
    a = _Tanh.apply(_Linear.apply(prob.x, w1, b1, bug), bug)
    z = _Linear.apply(a, w2, b2, bug)
    ce = torch.nn.functional.cross_entropy(z, prob.y)
    return ce + _L2.apply(w1, prob.reg, bug) + _L2.apply(w2, prob.reg, bug)


def analytic_grad(prob: Problem, bug: str = "none") -> torch.Tensor:
    """dL/dtheta (P,) from the hand-written backward passes."""
    theta = prob.theta.clone().requires_grad_(True)
    (g,) = torch.autograd.grad(loss(_split(theta), prob, bug), theta)
    return g.detach()


@torch.no_grad()
def _loss_batch(prob: Problem, thetas: torch.Tensor) -> torch.Tensor:
    """The same loss (forward only, plain torch ops) for a batch of parameter vectors thetas (B, P) -> (B,)."""
    w1, b1, w2, b2 = _split(thetas)
    a = torch.tanh(prob.x @ w1 + b1[:, None, :])  # (B, N, H)
    z = a @ w2 + b2[:, None, :]  # (B, N, C)
    picked = torch.log_softmax(z, dim=-1).gather(-1, prob.y.expand(len(thetas), -1)[..., None])[..., 0]
    return -picked.mean(-1) + prob.reg * ((w1 * w1).sum((-2, -1)) + (w2 * w2).sum((-2, -1)))


def numerical_grad(prob: Problem, h: float) -> torch.Tensor:
    """Centred difference (L(theta + h e_i) - L(theta - h e_i)) / 2h for every i, (P,); error O(h^2) + O(eps/h)."""
    if not (np.isfinite(h) and 0 < h <= 1):
        raise ValueError(f"The step h must be in (0, 1], got {h}.")
    p = len(prob.theta)
    step = h * torch.eye(p, dtype=prob.theta.dtype)
    losses = _loss_batch(prob, torch.cat([prob.theta + step, prob.theta - step]))
    return (losses[:p] - losses[p:]) / (2 * h)


def relative_error(a: np.ndarray, n: np.ndarray) -> np.ndarray:
    """|a - n| / max(|a|, |n|) elementwise; 0 where both are 0."""
    a, n = np.asarray(a, dtype=float), np.asarray(n, dtype=float)
    den = np.maximum(np.abs(a), np.abs(n))
    return np.divide(np.abs(a - n), den, out=np.zeros_like(den), where=den > 0)


def tensor_errors(a: np.ndarray, n: np.ndarray) -> dict[str, float]:
    """Per parameter tensor, ||a - n|| / max(||a||, ||n||) over its entries (flat a, n (P,) in SHAPES order).

    The same formula on whole tensors: an entry whose gradient is nearly 0 cannot blow it up the way it blows up
    that entry's own relative error (round-off of ~1e-11 over a gradient of 1e-4 is already 1e-7)."""
    out = {}
    for k, x, y in zip(SHAPES, *(np.split(np.asarray(v, dtype=float), np.cumsum(SIZES)[:-1]) for v in (a, n)),
                       strict=True):
        den = max(np.linalg.norm(x), np.linalg.norm(y))
        out[k] = float(np.linalg.norm(x - y) / den) if den > 0 else 0.0
    return out


@dataclass(frozen=True)
class GradCheck:
    """One check: flat gradients (P,), the relative error per parameter tensor and that of its worst entry."""

    analytic: np.ndarray
    numerical: np.ndarray
    per_tensor: dict[str, float]
    worst_entry: dict[str, float]

    @property
    def worst(self) -> float:
        """The largest per-tensor relative error."""
        return max(self.per_tensor.values())


def check(prob: Problem, bug: str = "none", h: float = 1e-5) -> GradCheck:
    """Analytic vs numerical gradient at step h."""
    a = analytic_grad(prob, bug).double().numpy()
    n = numerical_grad(prob, h).double().numpy()
    entries = np.split(relative_error(a, n), np.cumsum(SIZES)[:-1])
    return GradCheck(a, n, tensor_errors(a, n), {k: float(e.max()) for k, e in zip(SHAPES, entries, strict=True)})


def h_sweep(prob: Problem, hs: np.ndarray, bug: str = "none") -> np.ndarray:
    """Largest per-tensor relative error (len(hs),) at each step h: truncation falls as h^2, round-off grows
    as eps/h."""
    a = analytic_grad(prob, bug).double().numpy()
    return np.array([max(tensor_errors(a, numerical_grad(prob, float(h)).double().numpy()).values()) for h in hs])


def torch_verdict(prob: Problem, bug: str = "none") -> bool:
    """torch.autograd.gradcheck's pass/fail for the hand-written net at theta (float64 problems only)."""
    if prob.theta.dtype != torch.float64:
        raise ValueError("torch.autograd.gradcheck needs float64 parameters.")
    params = [p.clone().requires_grad_(True) for p in _split(prob.theta)]
    return bool(torch.autograd.gradcheck(lambda *ps: loss(list(ps), prob, bug), params, raise_exception=False))
