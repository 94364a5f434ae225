"""What the four "batch norm's promises" experiments share: the base setting, the data, the batches, progress.

Every experiment trains plain nets and their batch-norm twins from the same initial weights on the same
mini-batches (``batch_order``), reports progress every ``TICK_STEPS`` steps through ``ticker`` (which may raise to
cancel) and stops before a deadline with what it finished, like ``core.batch_size_experiment``.

>>> setup = Setup(steps=100)
>>> batch_order(1347, setup.batch_size, setup.steps, setup.seed).shape
(100, 60)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from core.datasets import DATASETS, load
from core.networks import ACTIVATIONS, INITS, NetSpec

__all__ = ["TRAINED", "TICK_STEPS", "EVALUATIONS", "MAX_STEPS", "Setup", "Data", "Stop", "data", "batch_order",
           "ticker", "trained", "accuracy"]

TRAINED = 0.8  # held-out accuracy a run must reach to count as "trained" (chance is 10% on the digits)
TICK_STEPS = 10  # steps between two progress reports (and chances to cancel or stop)
EVALUATIONS = 10  # live states a stacked experiment publishes while it trains (core.bn_promises.stacked.train)
MAX_STEPS = 5000


@dataclass(frozen=True)
class Setup:
    """The network, data and training every promise experiment starts from; each experiment varies a few fields.

    The BN paper's MNIST setting in miniature: 3 sigmoid layers of 100 units on the 8x8 digits, plain SGD.
    """

    dataset: str = "digits"
    depth: int = 3
    width: int = 100
    activation: str = "sigmoid"
    init: str = "xavier"
    lr: float = 0.5
    batch_size: int = 60
    steps: int = 500
    seed: int = 0

    def validate(self) -> None:
        """ValueError with a student-readable sentence for any unusable setting."""
        if self.dataset not in DATASETS:
            raise ValueError(f"Unknown dataset {self.dataset!r}; choose one of {', '.join(DATASETS)}.")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"Unknown activation {self.activation!r}; choose one of {', '.join(ACTIVATIONS)}.")
        if self.init not in INITS:
            raise ValueError(f"Unknown initialization {self.init!r}; choose one of {', '.join(INITS)}.")
        if not 1 <= self.steps <= MAX_STEPS:
            raise ValueError(f"Steps must be between 1 and {MAX_STEPS}, got {self.steps}.")
        if not 2 <= self.batch_size <= 1000:  # batch norm needs two examples; the digits hold 1347 training rows
            raise ValueError(f"The batch size must be between 2 and 1000, got {self.batch_size}.")
        if not (np.isfinite(self.lr) and self.lr > 0):
            raise ValueError(f"The learning rate must be a positive number, got {self.lr}.")

    def spec(self, d: Data, norm: str = "none", **over) -> NetSpec:
        """The ``NetSpec`` of this setting on ``d`` (``over`` replaces fields, e.g. ``init="he"``)."""
        fields = dict(depth=self.depth, width=self.width, activation=self.activation, init=self.init, norm=norm)
        return NetSpec(d.n_features, d.n_classes, **{**fields, **over})


@dataclass(frozen=True)
class Data:
    """Training and held-out tensors: x (n, d) float32, y (n,) int64."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    n_classes: int

    @property
    def n_features(self) -> int:
        """Input dimension d."""
        return int(self.x_train.shape[1])


@lru_cache(maxsize=8)
def data(dataset: str = "digits", seed: int = 0) -> Data:
    """The dataset's split as tensors (cached: never written to)."""
    s = load(dataset, seed=seed)
    return Data(torch.from_numpy(s.x_train), torch.from_numpy(s.y_train), torch.from_numpy(s.x_test),
                torch.from_numpy(s.y_test), s.n_classes)


def batch_order(n: int, batch_size: int, steps: int, seed: int) -> np.ndarray:
    """Row indices (steps, batch_size) of each step's mini-batch: epochs of shuffles, the ragged end dropped.

    Every net of an experiment sees these same batches, so its runs differ only by what the experiment varies.
    """
    if not 1 <= batch_size <= n:
        raise ValueError(f"The batch size ({batch_size}) must be between 1 and the {n} training examples.")
    rng = np.random.default_rng([int(seed), 7919])  # a stream apart from the initial weights
    per_epoch = n // batch_size
    epochs = -(-steps // per_epoch)
    rows = [rng.permutation(n)[:per_epoch * batch_size].reshape(per_epoch, batch_size) for _ in range(epochs)]
    return np.concatenate(rows)[:steps]


class Stop(Exception):
    """The deadline passed (raised by a ``ticker``): the experiment returns what it finished."""


def ticker(tick: Callable[[float, str], None] | None, stop_at: float | None, steps: int, text: str,
           start: float = 0.0, share: float = 1.0) -> Callable[[int], None]:
    """A ``step_tick(step)`` reporting the fraction ``start + share * step / steps`` to ``tick(fraction, text)``
    (which may raise to cancel), and raising ``Stop`` when the next tick would end past ``stop_at`` (the last
    interval between two ticks predicts it: under load ticks slow down and the stop comes earlier)."""
    last: list[float | None] = [None]
    pace = [0.0]

    def step_tick(step: int) -> None:
        now = time.monotonic()
        if last[0] is not None:
            pace[0] = now - last[0]
        last[0] = now
        if stop_at is not None and now + pace[0] > stop_at:
            raise Stop
        if tick is not None:
            tick(start + share * step / max(steps, 1), text)
    return step_tick


def trained(acc: float) -> bool:
    """Whether a held-out accuracy counts as trained (``TRAINED`` or more; nan never does)."""
    return bool(np.isfinite(acc) and acc >= TRAINED)


def accuracy(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Share of rows whose argmax is the label, per leading index: logits (..., n, classes), y (n,) -> (...).

    A row with a non-finite logit counts as wrong (argmax of nan would pick a class by accident).
    """
    ok = torch.isfinite(logits).all(-1) & (logits.argmax(-1) == y)
    return ok.double().mean(-1)
