"""What training one MLP by epochs (core.train_loop.train) costs before it runs, in multiply-add units.

A unit is one multiply-add of a training step; the per-op overhead of a small net (launches, autograd, Adam's
bookkeeping) is charged as a fixed number of units per layer and step, and the per-epoch evaluation on the training
and validation rows in units per row and weight. The constants were fitted on timings of ``train`` over widths 16 to
512, depths 1 to 4, batches 10 to 128 (within 1.5x of the time everywhere, 1.1x near the defaults); a page turns
units into seconds with the rate it measured (``views.ui.budget.rate``).

>>> units = epoch_units(EpochSizes(n_train=300, n_val=450, n_features=64, n_classes=10, depth=2, width=64), 20, 32)
>>> round(units / 1e9, 2)
12.92
"""

from __future__ import annotations

from dataclasses import dataclass

OVERHEAD = 1.8e7  # units per layer per optimizer step: ~0.47 ms of op launches and Adam's loop, measured
FORWARD_BACKWARD = 3.0  # a step's forward and backward multiply-adds per example and weight
EVAL = 5.6  # units per example and weight of an evaluation pass (eval mode, softmax in float64, numpy metrics)


@dataclass(frozen=True)
class EpochSizes:
    """The sizes that set the cost: rows, input and output width, hidden layers and their width."""

    n_train: int
    n_val: int
    n_features: int
    n_classes: int
    depth: int  # hidden layers
    width: int

    @property
    def layers(self) -> int:
        """Linear layers: the hidden ones and the output."""
        return self.depth + 1

    @property
    def weights(self) -> int:
        """Multiply-adds of one example's forward pass through every linear layer."""
        w = self.width
        return self.n_features * w + w * w * (self.depth - 1) + w * self.n_classes


def steps(sizes: EpochSizes, epochs: int, batch_size: int) -> int:
    """Optimizer steps of ``epochs`` passes (the ragged last batch of each epoch is dropped, as train does)."""
    return epochs * (sizes.n_train // batch_size)


def epoch_units(sizes: EpochSizes, epochs: int, batch_size: int) -> float:
    """Units of ``train``: every step's forward, backward and update, plus an evaluation before and after each epoch."""
    step = sizes.layers * OVERHEAD + FORWARD_BACKWARD * batch_size * sizes.weights
    evaluation = EVAL * (sizes.n_train + sizes.n_val) * sizes.weights + 2 * sizes.layers * OVERHEAD
    return steps(sizes, epochs, batch_size) * step + (epochs + 1) * evaluation
