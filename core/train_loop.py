"""One network trained by epochs of shuffled mini-batches, measured on train and validation data after each epoch.

>>> data = TrainData.from_split(load("digits", seed=0), n_train=200)
>>> net = build(NetSpec(data.n_features, data.n_classes, depth=2, width=128, activation="relu", init="he"), 0)
>>> curves = train(net, data, TrainSettings(epochs=5, lr=1e-3, optimizer="adam"), seed=0)
>>> curves.val_loss.shape
(6,)

Shared by the dropout curves, the model ensembles and the benchmark: every index i of a ``Curves`` array is the
state after i epochs (index 0 = the fresh network), so early stopping can pick any of them. Given ``stop_at`` (a
``time.monotonic()`` deadline) a run stops before an epoch that would end past it, predicted from the slowest epoch
so far (under load epochs slow down and the stop comes earlier): its curves then hold the epochs it finished and
``complete`` is False. ``train_together`` trains several nets epoch by epoch in turn, so a stop leaves them all at
the same epoch and their curves stay comparable.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from core.datasets import Split
from core.optim.registry import OPTIMIZERS

__all__ = ["TrainData", "TrainSettings", "Curves", "Fit", "train", "train_together", "evaluate",
           "predict_proba"]


@dataclass(frozen=True)
class TrainData:
    """Tensors for one run: x (n, d) float32, y (n,) int64 for training and for validation."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor
    n_classes: int

    @property
    def n_features(self) -> int:
        """Input dimension d."""
        return int(self.x_train.shape[1])

    @classmethod
    def from_split(cls, split: Split, n_train: int | None = None) -> TrainData:
        """The first ``n_train`` training rows (the split is already shuffled); its held-out rows validate."""
        n = len(split.x_train) if n_train is None else int(n_train)
        if not 10 <= n <= len(split.x_train):
            raise ValueError(f"The training subset must hold between 10 and {len(split.x_train)} examples, "
                             f"got {n}.")
        return cls(torch.from_numpy(split.x_train[:n]), torch.from_numpy(split.y_train[:n]),
                   torch.from_numpy(split.x_test), torch.from_numpy(split.y_test), split.n_classes)


@dataclass(frozen=True)
class TrainSettings:
    """How to train: ``epochs`` passes over the training rows in mini-batches of ``batch_size``."""

    epochs: int = 60
    lr: float = 1e-3
    optimizer: str = "adam"  # a key of core.optim.registry.OPTIMIZERS
    batch_size: int = 32
    weight_decay: float = 0.0

    def validate(self, n_train: int) -> None:
        """ValueError with a sentence for settings that cannot train."""
        if not 1 <= self.epochs <= 2000:
            raise ValueError(f"Epochs must be between 1 and 2000, got {self.epochs}.")
        if not 1 <= self.batch_size <= n_train:
            raise ValueError(f"The batch size ({self.batch_size}) must be between 1 and the {n_train} training "
                             "examples.")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"Unknown optimizer {self.optimizer!r}; choose one of {', '.join(OPTIMIZERS)}.")
        if not (np.isfinite(self.lr) and self.lr > 0):
            raise ValueError(f"The learning rate must be a positive number, got {self.lr}.")


@dataclass(frozen=True)
class Curves:
    """Per-epoch measurements, each (epochs done + 1,): index 0 before training; nan after a divergence."""

    train_loss: np.ndarray
    val_loss: np.ndarray
    train_acc: np.ndarray
    val_acc: np.ndarray
    diverged_at: int | None  # the optimizer step whose loss was not finite, None if training finished
    steps: int  # optimizer steps taken
    epochs: int = 0  # epochs asked for (the arrays are shorter when the run stopped at its deadline)
    complete: bool = True  # False when the run stopped at its deadline before its last epoch (not diverged)

    @property
    def epochs_done(self) -> int:
        """Epochs trained: all of them unless the run stopped at its deadline (a diverged run counts as done)."""
        return len(self.val_loss) - 1


@torch.no_grad()
def predict_proba(net: torch.nn.Module, x: torch.Tensor) -> np.ndarray:
    """Class probabilities (n, n_classes) in eval mode (dropout off, running statistics); mode restored."""
    was = net.training
    net.train(False)
    try:
        return torch.softmax(net(x), dim=1).double().numpy()
    finally:
        net.train(was)


def evaluate(net: torch.nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """(mean cross-entropy, accuracy) of ``net`` in eval mode on x (n, d), y (n,)."""
    p = predict_proba(net, x)
    picked = p[np.arange(len(y)), y.numpy()]
    return float(-np.mean(np.log(np.maximum(picked, 1e-300)))), float(np.mean(p.argmax(1) == y.numpy()))


class Fit:
    """One run trained an epoch at a time (``epoch()``); ``curves()`` holds the epochs done so far."""

    def __init__(self, net: torch.nn.Module, data: TrainData, settings: TrainSettings, seed: int = 0):
        settings.validate(len(data.x_train))
        self.net, self.data, self.settings = net, data, settings
        self.opt = OPTIMIZERS[settings.optimizer].make_torch(net.parameters(), lr=settings.lr,
                                                             weight_decay=settings.weight_decay)
        self.rng = np.random.default_rng([int(seed), 104729])  # batch order: a stream apart from init and dropout
        self.rows = np.full((settings.epochs + 1, 4), np.nan)
        self.rows[0] = _measure(net, data)
        self.done, self.steps, self.diverged = 0, 0, None

    @property
    def finished(self) -> bool:
        """Whether every epoch ran or the run diverged."""
        return self.diverged is not None or self.done == self.settings.epochs

    def epoch(self) -> None:
        """One pass over the shuffled training rows in mini-batches (the ragged last batch dropped), then measure."""
        n, b = len(self.data.x_train), self.settings.batch_size
        self.net.train(True)
        order = torch.from_numpy(self.rng.permutation(n))
        for start in range(0, n - b + 1, b):
            idx = order[start:start + b]
            loss = F.cross_entropy(self.net(self.data.x_train[idx]), self.data.y_train[idx])
            self.steps += 1
            if not torch.isfinite(loss):
                self.diverged = self.steps
                return
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            self.opt.step()
        self.done += 1
        self.rows[self.done] = _measure(self.net, self.data)

    def curves(self) -> Curves:
        """The curves so far: all epochs (nan after a divergence) once finished, else the epochs done."""
        rows = self.rows if self.finished else self.rows[:self.done + 1]
        return Curves(*rows.T.copy(), diverged_at=self.diverged, steps=self.steps, epochs=self.settings.epochs,
                      complete=self.finished)


def train(net: torch.nn.Module, data: TrainData, settings: TrainSettings, seed: int = 0,
          progress: Callable[[int, int], None] | None = None, *, stop_at: float | None = None) -> Curves:
    """Train ``net`` in place; mini-batch order from ``seed``; ``progress(epoch, epochs)`` after each epoch (it may
    raise to cancel); stops before an epoch that would end past ``stop_at`` (``complete`` is then False)."""
    fit = Fit(net, data, settings, seed)
    return train_together([fit], stop_at=stop_at,
                          tick=None if progress is None else lambda e, n: progress(e, settings.epochs))[0]


def train_together(fits: Sequence[Fit], *, stop_at: float | None = None,
                   tick: Callable[[int, int], None] | None = None) -> list[Curves]:
    """Train every fit an epoch at a time in turn, until all finish or the next round would end past ``stop_at``;
    ``tick(epoch, epochs)`` after each round (it may raise to cancel). Their curves, in order."""
    slowest = 0.0  # the longest round so far: predicts the next one
    epochs = max((f.settings.epochs for f in fits), default=0)
    for epoch in range(1, epochs + 1):
        going = [f for f in fits if not f.finished]
        if not going:
            break
        t0 = time.monotonic()
        if stop_at is not None and t0 + slowest > stop_at:
            break
        for f in going:
            f.epoch()
        slowest = max(slowest, time.monotonic() - t0)
        if tick is not None and any(f.diverged is None for f in going):  # a diverged round reports nothing
            tick(epoch, epochs)
    return [f.curves() for f in fits]


def _measure(net: torch.nn.Module, data: TrainData) -> tuple[float, float, float, float]:
    tl, ta = evaluate(net, data.x_train, data.y_train)
    vl, va = evaluate(net, data.x_val, data.y_val)
    return tl, vl, ta, va
