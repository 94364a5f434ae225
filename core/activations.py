"""Scalar activation functions: value, exact derivative and the torch reference, in one registry.

>>> a = ACTIVATIONS_1D["tanh"]
>>> float(a.f(np.array(0.0))), float(a.df(np.array(0.0)))
(0.0, 1.0)

Every ``f``/``df`` maps a float64 array of any shape to one of the same shape. At a kink ``df`` returns what
``torch.autograd`` returns there (ReLU'(0) = 0, LeakyReLU'(0) = negative_slope, ELU'(0) = 1), so the tests can
compare everywhere. Names follow ``torch.nn.functional``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import torch
import torch.nn.functional as F

__all__ = ["ACTIVATIONS_1D", "MAXOUT_PIECES", "NEGATIVE_SLOPE", "ELU_ALPHA", "Activation1D", "normal_cdf",
           "normal_pdf", "get"]

NEGATIVE_SLOPE = 0.01  # torch's LeakyReLU default
ELU_ALPHA = 1.0  # torch's ELU default
# Maxout's pieces are learned; a fixed pair (w, b) makes the 1-D picture reproducible: max(x, -x/2 - 1/2),
# a convex kink at x = -1/3 with slopes -1/2 and 1, so no region has a small gradient.
MAXOUT_PIECES = ((1.0, 0.0), (-0.5, -0.5))


def normal_cdf(x: np.ndarray) -> np.ndarray:
    """Phi(x) of the standard normal, elementwise (float64; torch's ndtr, exact in the tails)."""
    return torch.special.ndtr(torch.as_tensor(np.asarray(x, dtype=np.float64))).numpy()


def normal_pdf(x: np.ndarray) -> np.ndarray:
    """phi(x) of the standard normal, elementwise."""
    return np.exp(-0.5 * np.square(x)) / np.sqrt(2 * np.pi)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # exp of a non-positive number only: no overflow warning at x = -1000
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _sigmoid_d(x):
    s = _sigmoid(x)
    return s * (1 - s)


def _relu(x):
    return np.maximum(x, 0.0)


def _relu_d(x):
    return (x > 0).astype(np.float64)


def _leaky(x):
    return np.where(x > 0, x, NEGATIVE_SLOPE * x)


def _leaky_d(x):
    return np.where(x > 0, 1.0, NEGATIVE_SLOPE)


def _elu(x):
    return np.where(x > 0, x, ELU_ALPHA * np.expm1(np.minimum(x, 0.0)))


def _elu_d(x):
    return np.where(x > 0, 1.0, ELU_ALPHA * np.exp(np.minimum(x, 0.0)))


def _gelu(x):
    return x * normal_cdf(x)


def _gelu_d(x):
    return normal_cdf(x) + x * normal_pdf(x)


def _silu(x):
    return x * _sigmoid(x)


def _silu_d(x):
    s = _sigmoid(x)
    return s * (1 + x * (1 - s))


def _maxout(x):
    (w1, b1), (w2, b2) = MAXOUT_PIECES
    return np.maximum(w1 * x + b1, w2 * x + b2)


def _maxout_d(x):
    (w1, b1), (w2, b2) = MAXOUT_PIECES
    a, b = w1 * x + b1, w2 * x + b2
    # torch.maximum sends half the gradient to each side of an exact tie
    return np.where(a > b, w1, np.where(a < b, w2, (w1 + w2) / 2))


def _maxout_torch(x: torch.Tensor) -> torch.Tensor:
    (w1, b1), (w2, b2) = MAXOUT_PIECES
    return torch.maximum(w1 * x + b1, w2 * x + b2)


@dataclass(frozen=True)
class Activation1D:
    """One elementwise nonlinearity: ``f`` and its exact derivative ``df`` (NumPy), ``torch_f`` as the oracle."""

    title: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray], np.ndarray]
    torch_f: Callable[[torch.Tensor], torch.Tensor]
    latex: str  # f(x)
    dlatex: str  # f'(x)
    note: str  # one teaching sentence for the page

    @property
    def peak(self) -> float:
        """max |f'(x)| over the real line (dense grid on [-20, 20]; every peak here lies well inside)."""
        return _peak(self.df)


ACTIVATIONS_1D: dict[str, Activation1D] = {
    "sigmoid": Activation1D(
        "Sigmoid", _sigmoid, _sigmoid_d, torch.sigmoid, r"\sigma(x) = \frac{1}{1+e^{-x}}",
        r"\sigma(x)\,(1-\sigma(x))",
        "Its slope never exceeds 1/4, and it is not zero-centred: every output is positive."),
    "tanh": Activation1D(
        "Tanh", np.tanh, lambda x: 1 - np.tanh(x) ** 2, torch.tanh, r"\tanh(x)", r"1-\tanh^2(x)",
        "Zero-centred with slope 1 at the origin, but it saturates on both sides like the sigmoid."),
    "relu": Activation1D(
        "ReLU", _relu, _relu_d, F.relu, r"\max(0, x)", r"\mathbb{1}[x>0]",
        "Slope exactly 1 or 0: no vanishing on the positive side, a dead unit on the negative side."),
    "leaky_relu": Activation1D(
        "Leaky ReLU", _leaky, _leaky_d, lambda x: F.leaky_relu(x, NEGATIVE_SLOPE),
        rf"\max({NEGATIVE_SLOPE}\,x,\ x)", rf"1 \text{{ if }} x>0 \text{{ else }} {NEGATIVE_SLOPE}",
        "A small slope on the negative side keeps every unit trainable (torch's negative_slope = 0.01)."),
    "elu": Activation1D(
        "ELU", _elu, _elu_d, lambda x: F.elu(x, ELU_ALPHA),
        r"x \text{ if } x>0 \text{ else } \alpha(e^{x}-1)", r"1 \text{ if } x>0 \text{ else } \alpha e^{x}",
        "Smooth negative side saturating at -alpha: mean activations closer to zero than ReLU's."),
    "gelu": Activation1D(
        "GELU", _gelu, _gelu_d, F.gelu, r"x\,\Phi(x)", r"\Phi(x) + x\,\varphi(x)",
        "The exact (erf) GELU of transformers: slope above 1 near x = 1.4, slightly negative near x = -1.4."),
    "silu": Activation1D(
        "SiLU (Swish)", _silu, _silu_d, F.silu, r"x\,\sigma(x)", r"\sigma(x)\,(1 + x\,(1-\sigma(x)))",
        "Like GELU with the logistic instead of the Gaussian CDF; also dips below zero."),
    "maxout": Activation1D(
        "Maxout (2 pieces)", _maxout, _maxout_d, _maxout_torch,
        r"\max\left(x,\ -\tfrac{1}{2}x - \tfrac{1}{2}\right)",  # MAXOUT_PIECES written out
        r"\text{slope of the larger piece}",
        "Max of two learned lines (fixed here): never saturates, at twice the parameters of one unit."),
}


@cache
def _peak(df: Callable[[np.ndarray], np.ndarray]) -> float:
    return float(np.max(np.abs(df(np.linspace(-20.0, 20.0, 400_001)))))


def get(name: str) -> Activation1D:
    """The registry entry, or a ValueError naming the known activations."""
    if name not in ACTIVATIONS_1D:
        raise ValueError(f"Unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS_1D)}.")
    return ACTIVATIONS_1D[name]
