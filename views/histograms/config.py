"""The frozen configs of the activation-histogram page: the live pair, the histogram view of it, the init lab."""

from __future__ import annotations

from dataclasses import dataclass

# The batch-size experiment's config is core's BatchSizeConfig (core.batch_size_experiment).


@dataclass(frozen=True)
class PairConfig:
    """Structural settings of the live pair: changing any of them rebuilds it from step 0.

    The learning rate is not among them on purpose: changing it must keep training from the current step.
    """

    dataset: str
    arch: str
    depth: int  # hidden layers
    width: int  # units (MLP) or channels (CNN) per hidden layer
    activation: str
    init: str
    norm: str  # the second net's normalization; the first has none
    placement: str  # "before" or "after" the activation
    residual: bool
    dropout: float
    optimizer: str
    batch_size: int
    seed: int
    upload: str = ""  # digest of this session's uploaded CSV (dataset "csv"); the data stay in session_state


@dataclass(frozen=True)
class LayerView:
    """What the live histogram chart shows: one statistic of every layer, in one layout."""

    kind: str  # "pre" (activation input), "post" (activation output) or "grad" (gradient at the output)
    layout: str  # "side", "nets" or "steps"; ignored while every layer is shown
    every: bool  # every hidden layer in a grid, both nets overlaid


@dataclass(frozen=True)
class LabConfig:
    """One init-lab forward pass: unit-Gaussian data through a fresh 10 x 500 net (no training)."""

    activation: str
    init: str
    norm: str  # "none" or "batch"
    seed: int
