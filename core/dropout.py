"""Dropout on one layer's activations a (n_units,): inverted vs classic dropout, train vs test, expectations.

Names follow PyTorch: ``p`` is the probability of DROPPING a unit (CS231n's ``p`` is the keep probability).
Inverted dropout (what torch does) scales kept units by 1/(1-p) while training and leaves test alone; classic
dropout (Srivastava et al. 2014) keeps train unscaled and multiplies by the keep probability (1-p) at test.
Both make the test output equal the expected training output.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.datasets import load
from core.networks import NetSpec, build

__all__ = ["FORMS", "keep_mask", "apply", "expected", "DropoutDemo", "dropout_demo", "digit_activations"]

FORMS = {
    "inverted": "inverted: kept units x 1/(1-p) in training, test unchanged (PyTorch)",
    "classic": "classic: training unscaled, test x (1-p) (the original paper)",
}


def _check_p(p: float) -> None:
    if not (np.isfinite(p) and 0.0 <= p < 1.0):
        raise ValueError(f"Dropout p must be in [0, 1), got {p}.")


def keep_mask(shape: tuple[int, ...], p: float, generator: torch.Generator) -> torch.Tensor:
    """Boolean keep mask of ``shape``; the very draw SeededDropout makes (rand >= p), so masks agree by seed."""
    _check_p(p)
    return torch.rand(shape, generator=generator) >= p


def apply(a: torch.Tensor, keep: torch.Tensor, p: float, form: str, train: bool) -> torch.Tensor:
    """Dropout output for activations a and keep mask (same shape), in training or at test time."""
    _check_p(p)
    if form not in FORMS:
        raise ValueError(f"Unknown dropout form {form!r}; choose one of {', '.join(FORMS)}.")
    if form == "inverted":
        return a * keep / (1.0 - p) if train else a
    return a * keep if train else a * (1.0 - p)


def expected(a: torch.Tensor, p: float, form: str) -> torch.Tensor:
    """Closed-form mean of the training output over masks: E[keep] = 1-p, so it equals the test output."""
    _check_p(p)
    return a if form == "inverted" else a * (1.0 - p)


@dataclass(frozen=True)
class DropoutDemo:
    """One layer seen through one mask: rows of (n_units,) arrays, plus Monte Carlo means over many masks."""

    p: float
    activations: np.ndarray  # (n_units,) the layer's output before dropout
    keep: np.ndarray  # (n_units,) bool
    train: dict[str, np.ndarray]  # form -> (n_units,) training output with this mask
    test: dict[str, np.ndarray]  # form -> (n_units,) test output
    mc_mean: dict[str, np.ndarray]  # form -> (n_units,) training output averaged over ``n_masks`` masks
    n_masks: int


def dropout_demo(a: np.ndarray, p: float, seed: int, n_masks: int = 2000) -> DropoutDemo:
    """Both forms applied to activations a (n_units,) with the mask drawn from ``seed`` and ``n_masks`` more."""
    _check_p(p)
    if not 1 <= n_masks <= 100_000:
        raise ValueError(f"The number of masks must be between 1 and 100000, got {n_masks}.")
    at = torch.as_tensor(np.asarray(a, dtype=np.float64))
    g = torch.Generator().manual_seed(int(seed))
    keep = keep_mask(at.shape, p, g)
    many = keep_mask((n_masks, *at.shape), p, g)
    return DropoutDemo(
        p, at.numpy(), keep.numpy(),
        {f: apply(at, keep, p, f, True).numpy() for f in FORMS},
        {f: apply(at, keep, p, f, False).numpy() for f in FORMS},
        {f: apply(at, many, p, f, True).mean(0).numpy() for f in FORMS},
        n_masks)


@torch.no_grad()
def digit_activations(seed: int, n_units: int = 32, index: int = 0) -> np.ndarray:
    """ReLU outputs (n_units,) of the first hidden layer of a fresh He-initialised net for one held-out digit."""
    split = load("digits", seed=seed)
    net = build(NetSpec(split.n_features, split.n_classes, depth=1, width=n_units, activation="relu", init="he"),
                seed)
    x = torch.from_numpy(split.x_test[index % len(split.x_test)][None]).double()
    block = net.blocks[0].double()
    return block.act(block.linear(x))[0].numpy()
