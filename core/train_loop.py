"""One network trained by epochs of shuffled mini-batches, measured on train and validation data after each epoch.

>>> data = TrainData.from_split(load("digits", seed=0), n_train=200)
>>> net = build(NetSpec(data.n_features, data.n_classes, depth=2, width=128, activation="relu", init="he"), 0)
>>> curves = train(net, data, TrainSettings(epochs=5, lr=1e-3, optimizer="adam"), seed=0)
>>> curves.val_loss.shape
(6,)

Shared by the dropout curves, the model ensembles and the benchmark: every index i of a ``Curves`` array is the
state after i epochs (index 0 = the fresh network), so early stopping can pick any of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from core.datasets import Split
from core.optim.registry import OPTIMIZERS

__all__ = ["TrainData", "TrainSettings", "Curves", "train", "evaluate", "predict_proba"]


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
    """Per-epoch measurements, each (epochs + 1,): index 0 before training; nan after a divergence."""

    train_loss: np.ndarray
    val_loss: np.ndarray
    train_acc: np.ndarray
    val_acc: np.ndarray
    diverged_at: int | None  # the optimizer step whose loss was not finite, None if training finished
    steps: int  # optimizer steps taken


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


def train(net: torch.nn.Module, data: TrainData, settings: TrainSettings, seed: int = 0,
          progress: Callable[[int, int], None] | None = None) -> Curves:
    """Train ``net`` in place; mini-batch order from ``seed``; ``progress(epoch, epochs)`` after each epoch."""
    n = len(data.x_train)
    settings.validate(n)
    opt = OPTIMIZERS[settings.optimizer].make_torch(net.parameters(), lr=settings.lr,
                                                    weight_decay=settings.weight_decay)
    rng = np.random.default_rng([int(seed), 104729])  # batch order: a stream apart from init and dropout
    rows = np.full((settings.epochs + 1, 4), np.nan)
    rows[0] = _measure(net, data)
    steps, diverged = 0, None
    for epoch in range(1, settings.epochs + 1):
        net.train(True)
        order = torch.from_numpy(rng.permutation(n))
        for start in range(0, n - settings.batch_size + 1, settings.batch_size):  # drop the ragged last batch
            idx = order[start:start + settings.batch_size]
            loss = F.cross_entropy(net(data.x_train[idx]), data.y_train[idx])
            steps += 1
            if not torch.isfinite(loss):
                diverged = steps
                break
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        if diverged is not None:
            break
        rows[epoch] = _measure(net, data)
        if progress is not None:
            progress(epoch, settings.epochs)
    return Curves(*rows.T.copy(), diverged_at=diverged, steps=steps)


def _measure(net: torch.nn.Module, data: TrainData) -> tuple[float, float, float, float]:
    tl, ta = evaluate(net, data.x_train, data.y_train)
    vl, va = evaluate(net, data.x_val, data.y_val)
    return tl, vl, ta, va
