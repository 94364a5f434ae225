"""Per-layer statistics of deep nets: at initialization (no training) and live while two nets train.

>>> from core.layer_stats import forward_stats, PairedTrainer
>>> stats = forward_stats(depth=10, width=500, activation="tanh", init="normal_0.01", samples=1000, seed=0)
>>> stats[-1].std < 1e-6          # 0.01 * randn weights: the signal has died by layer 10
True
>>> pair = PairedTrainer(dataset="digits", depth=3, width=100, activation="sigmoid", norm="batch",
...                      optimizer="sgd", lr=0.5, batch_size=60, seed=0)
>>> pair.step(200); snap = pair.snapshot()
200
>>> snap.step, len(snap.plain.layers), snap.normed.unit_percentiles.shape
(200, 3, (3, 100))

``snap.plain`` / ``snap.normed`` hold per-layer histograms (``layers[i].pre``, ``.post``, ``.grad``) with the
layer's saturated and dead-unit shares (``.saturated``, ``.dead``: core/saturation.py), the 15/50/85th
percentiles of each last-hidden-layer unit's input, the loss and the held-out accuracy.
"""

from __future__ import annotations

from dataclasses import astuple

import torch

from core.activation_capture import KINDS, Histogram, LayerStat, activation_taps, edges_for, histogram
from core.net_recorder import NetStats, accuracy
from core.networks import NetSpec, build
from core.paired_trainer import PairedTrainer, Snapshot
from core.saturation import SATURATION, SaturationStat, saturation

__all__ = ["forward_stats", "PairedTrainer", "Snapshot", "NetStats", "LayerStat", "Histogram", "KINDS",
           "accuracy", "saturation", "SaturationStat", "SATURATION"]


@torch.no_grad()
def forward_stats(depth: int = 10, width: int = 500, activation: str = "tanh", init: str = "normal_0.01",
                  samples: int = 1000, seed: int = 0, norm: str = "none", bins: int = 40) -> list[LayerStat]:
    """Per-layer statistics of unit-Gaussian inputs (samples, width) pushed through a fresh net (CS231n's test).

    Bin edges are shared by all layers (taken from layer 1) so a shrinking or exploding signal is visible.
    """
    if not 2 <= samples <= 10_000:
        raise ValueError(f"Samples must be between 2 and 10000, got {samples}.")
    g = torch.Generator().manual_seed(int(seed))
    net = build(NetSpec(width, 2, depth, width, activation, init, norm), generator=g)
    x = torch.randn(samples, width, generator=g)
    with activation_taps(net) as taps:
        net(x)
    pre_edges = edges_for(taps[0][0], "pre", activation, bins)
    post_edges = edges_for(taps[0][1], "post", activation, bins)
    return [LayerStat(histogram(p, pre_edges), histogram(o, post_edges), None, float("nan"),
                      *astuple(saturation(p, o, activation))) for p, o in taps]
