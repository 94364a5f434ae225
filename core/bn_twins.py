"""The set-up both "why BN helps" experiments share: twin nets with one initial weight set, one batch order.

A plain MLP and its batch-norm twin (and, for the noisy-BN experiment, a third) start from the same weights
(``copy_shared_weights``) and see the same mini-batches in the same order, drawn like the live pair's
(``core.paired_trainer``: a seeded permutation per epoch), so any difference between them is the normalization.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from core.datasets import Split, load
from core.networks import Net, NetSpec, build, copy_shared_weights
from core.paired_trainer import check_batch

TICK_STEPS = 10  # steps between two progress reports (and chances to cancel or stop)


@dataclass(frozen=True)
class NetSettings:
    """The network, data and optimizer every twin shares.

    A 3 x 100 ReLU MLP with He init and SGD at lr 0.1 on the digits: both the plain and the BN net learn within
    a few hundred steps. (The live pair's sigmoid preset at lr 0.5 leaves the plain net on its plateau that long,
    where the landscape is flat because nothing happens.)
    """

    dataset: str = "digits"
    depth: int = 3
    width: int = 100
    activation: str = "relu"
    init: str = "he"
    optimizer: str = "sgd"
    lr: float = 0.1
    batch_size: int = 60
    seed: int = 0


def split_of(s: NetSettings) -> Split:
    """The dataset split of ``s`` (checked: the batch must fit and batch norm needs two examples)."""
    split = load(s.dataset, seed=s.seed)
    check_batch(s.batch_size, len(split.x_train), "batch")
    return split


def twins(s: NetSettings, split: Split, norms: tuple[str, ...]) -> list[Net]:
    """One net per entry of ``norms`` ("none", "batch"), all with the weights of the first one."""
    base = NetSpec(split.n_features, split.n_classes, s.depth, s.width, s.activation, s.init, "none")
    nets = []
    for norm in norms:
        net = build(NetSpec(**{**base.__dict__, "norm": norm}), s.seed)
        if nets:
            copy_shared_weights(nets[0], net)
        nets.append(net)
    return nets


class Batches:
    """Seeded mini-batch indices: a fresh permutation of the training rows each epoch, as the live pair draws."""

    def __init__(self, n: int, batch_size: int, seed: int):
        self._rng = np.random.default_rng([seed, 15485863])
        self._n, self._b = n, batch_size
        self._order, self._cursor = self._rng.permutation(n), 0

    def next(self) -> torch.Tensor:
        """Indices (batch_size,) of the next mini-batch."""
        if self._cursor + self._b > self._n:
            self._order, self._cursor = self._rng.permutation(self._n), 0
        idx = self._order[self._cursor:self._cursor + self._b]
        self._cursor += self._b
        return torch.from_numpy(idx)


class Pacer:
    """Progress every TICK_STEPS steps through ``tick(fraction, text)`` (which may raise to cancel), and a stop
    before ``time.monotonic()`` would pass ``stop_at`` (the last interval between two ticks predicts the next)."""

    def __init__(self, steps: int, tick: Callable[[float, str], None] | None, stop_at: float | None):
        self.steps, self.tick, self.stop_at = steps, tick, stop_at
        self._last: float | None = None

    def stop(self, step: int) -> bool:
        """Whether to stop before ``step``; reports progress on tick steps."""
        if step % TICK_STEPS:
            return False
        now = time.monotonic()
        pace, self._last = (now - self._last if self._last is not None else 0.0), now
        if self.stop_at is not None and now + pace > self.stop_at:
            return True
        if self.tick is not None:
            self.tick(step / self.steps, f"step {step} of {self.steps}")
        return False
