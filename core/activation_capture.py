"""Per-layer capture: forward hooks on each block's activation, weight gradients, fixed-bin histograms.

A capture runs in *probe mode*: norm layers use the probe batch's own statistics (as in training) but their
running statistics are restored afterwards, and dropout is off, so looking never changes what is trained.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from core.networks import Net, SeededDropout
from core.saturation import saturation

KINDS = {"pre": "pre-activation (input of the nonlinearity)", "post": "post-activation (its output)",
         "grad": "gradient of the loss w.r.t. the layer's weights"}
BOUNDED = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}  # post-activation ranges known in advance


@dataclass(frozen=True)
class Histogram:
    """Fractions (bins,) of values per bin with edges (bins+1,); values outside are counted in the end bins."""

    counts: np.ndarray
    edges: np.ndarray
    mean: float
    std: float


@dataclass(frozen=True)
class LayerStat:
    """One hidden layer at one moment: histograms of its pre-/post-activations and weight gradient."""

    pre: Histogram
    post: Histogram
    grad: Histogram | None  # None where nothing was differentiated (forward_stats)
    grad_norm: float  # Frobenius norm of dL/dW; nan without a gradient
    saturated: float = float("nan")  # share of saturated outputs (core/saturation.py); nan if not measured
    dead: float = float("nan")  # share of units saturated for the whole batch

    @property
    def mean(self) -> float:
        """Mean of the layer's output (post-activation)."""
        return self.post.mean

    @property
    def std(self) -> float:
        """Standard deviation of the layer's output (post-activation)."""
        return self.post.std

    def hist(self, kind: str) -> Histogram | None:
        """The histogram of ``kind`` ("pre", "post" or "grad")."""
        return getattr(self, kind)


def edges_for(values: torch.Tensor, kind: str, activation: str, bins: int) -> np.ndarray:
    """Bin edges (bins+1,) chosen once for a layer: the activation's range if bounded, else 1.25 x max |value|."""
    if kind == "post" and activation in BOUNDED:
        lo, hi = BOUNDED[activation]
    else:
        finite = values[torch.isfinite(values)]
        m = float(finite.abs().max()) * 1.25 if finite.numel() else 1.0
        m = m if m > 0 else 1e-8
        lo, hi = (0.0 if kind == "post" and bool((finite >= 0).all()) else -m), m
    return np.linspace(lo, hi, bins + 1)


def histogram(values: torch.Tensor, edges: np.ndarray) -> Histogram:
    """Histogram of all entries of ``values`` on fixed ``edges`` (out-of-range values join the end bins)."""
    v = values.detach().reshape(-1)
    lo, hi, bins = float(edges[0]), float(edges[-1]), len(edges) - 1
    # Bin index by one multiply: an order of magnitude cheaper than torch.histc on the live path.
    idx = ((v - lo) * (bins / (hi - lo))).clamp_(0, bins - 1).to(torch.int64)
    counts = torch.bincount(idx, minlength=bins).numpy().astype(np.float32) / max(v.numel(), 1)
    std, mean = torch.std_mean(v, correction=0)
    return Histogram(counts, edges, float(mean), float(std))


@contextmanager
def activation_taps(net: Net) -> Iterator[list[tuple[torch.Tensor, torch.Tensor]]]:
    """Forward hooks on every block's activation; yields the list of (pre, post) they fill, in layer order."""
    seen: list[tuple[torch.Tensor, torch.Tensor]] = []
    handles = [b.act.register_forward_hook(lambda _m, i, o: seen.append((i[0].detach(), o.detach())))
               for b in net.blocks]
    try:
        yield seen
    finally:
        for h in handles:
            h.remove()


@contextmanager
def probe_mode(net: Net) -> Iterator[None]:
    """Train-mode normalization without updating running statistics, and no dropout."""
    bns = [m for m in net.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    saved = [(m.running_mean.clone(), m.running_var.clone(), m.num_batches_tracked.clone()) for m in bns]
    drops = [m for m in net.modules() if isinstance(m, SeededDropout)]
    for m in drops:
        m.train(False)
    try:
        yield
    finally:
        with torch.no_grad():
            for m, (mean, var, n) in zip(bns, saved, strict=True):
                m.running_mean.copy_(mean)
                m.running_var.copy_(var)
                m.num_batches_tracked.copy_(n)
        for m in drops:
            m.train(True)


def unit_values(pre: torch.Tensor) -> torch.Tensor:
    """Values per unit (units, samples): columns of an MLP layer, or every position of a CNN channel."""
    return pre.transpose(0, 1).reshape(pre.shape[1], -1)


def unit_percentiles(pre: torch.Tensor, q=(0.15, 0.5, 0.85)) -> np.ndarray:
    """Percentiles (len(q), units) of each unit's input over the probe batch (the BN paper's Figure 1b/c).

    Linear interpolation between order statistics, as ``np.percentile``; one sort is far cheaper than
    ``torch.quantile`` here.
    """
    v = torch.sort(unit_values(pre), dim=1).values.double()
    pos = torch.tensor(q, dtype=torch.float64) * (v.shape[1] - 1)
    lo = pos.floor().long()
    hi = torch.clamp(lo + 1, max=v.shape[1] - 1)
    w = pos - lo
    return (v[:, lo] * (1 - w) + v[:, hi] * w).T.numpy()


def layer_stats(taps, grads, edges: dict[str, list[np.ndarray]], activation: str) -> tuple[LayerStat, ...]:
    """Histogram each captured layer on its fixed edges and measure its saturation; ``grads``: dL/dW list or None."""
    out = []
    for i, (pre, post) in enumerate(taps):
        g = grads[i] if grads is not None else None
        sat = saturation(pre, post, activation)
        out.append(LayerStat(
            histogram(pre, edges["pre"][i]), histogram(post, edges["post"][i]),
            histogram(g, edges["grad"][i]) if g is not None else None,
            float(g.double().norm()) if g is not None else float("nan"), sat.saturated, sat.dead))
    return tuple(out)
