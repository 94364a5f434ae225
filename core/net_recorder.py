"""Turning one net's captured activations and gradients into a ``NetStats`` record on fixed bins."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.activation_capture import LayerStat, edges_for, layer_stats, probe_mode, unit_percentiles
from core.networks import Net


@dataclass(frozen=True)
class NetStats:
    """One net at one step: per-layer stats, percentiles (3, units) of the last hidden layer's inputs, metrics."""

    layers: tuple[LayerStat, ...]
    unit_percentiles: np.ndarray  # rows: 15th, 50th, 85th percentile over the mini-batch; columns: units
    loss: float  # mean mini-batch cross-entropy since the previous record
    test_accuracy: float  # eval mode (running statistics) on the held-out split


class Recorder:
    """Bin edges per (kind, layer) of one net, fixed at its first record so histograms compare across time."""

    def __init__(self, net: Net, bins: int, x_test: torch.Tensor, y_test: torch.Tensor):
        self.net, self.bins = net, bins
        self.x_test, self.y_test = x_test, y_test
        self.edges: dict[str, list[np.ndarray]] | None = None

    def record(self, taps, grads: list[torch.Tensor], loss: float) -> NetStats:
        """Statistics of one forward/backward: ``taps`` [(pre, post)] and dL/dW per layer."""
        if self.edges is None:
            act = self.net.spec.activation
            self.edges = {"pre": [edges_for(p, "pre", act, self.bins) for p, _ in taps],
                          "post": [edges_for(o, "post", act, self.bins) for _, o in taps],
                          "grad": [edges_for(g, "grad", act, self.bins) for g in grads]}
        stats = layer_stats(taps, grads, self.edges, self.net.spec.activation)
        return NetStats(stats, unit_percentiles(taps[-1][0]), loss,
                        accuracy(self.net, self.x_test, self.y_test))


def _set_batch_norm_training(net: Net, mode: bool) -> None:
    for m in net.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.train(mode)


@torch.no_grad()
def accuracy(net: Net, x: torch.Tensor, y: torch.Tensor, batch_stats: int | None = None) -> float:
    """Share of correct predictions in eval mode (running statistics), or with batch norm using the statistics
    of test batches of size ``batch_stats`` (running statistics left untouched)."""
    was = net.training
    net.train(False)
    try:
        if batch_stats is None:
            logits = net(x)
        else:
            with probe_mode(net):
                _set_batch_norm_training(net, True)
                logits = torch.cat([net(x[i:i + batch_stats]) for i in range(0, len(x), batch_stats)])
    finally:
        net.train(was)
    return float((logits.argmax(1) == y).double().mean())
