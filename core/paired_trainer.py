"""Two copies of one network, without and with a normalization, trained in lockstep on the same mini-batches.

A record at step k describes the nets after k updates, measured on the mini-batch of update k+1 (its
activations and its gradients: what the optimizer is about to use), like TensorBoard's training histograms.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, replace

import numpy as np
import torch
import torch.nn.functional as F

from core.activation_capture import activation_taps, probe_mode
from core.datasets import Split, load
from core.history import History
from core.net_recorder import NetStats, Recorder
from core.networks import Net, NetSpec, SeededDropout, build, copy_shared_weights
from core.optim.registry import OPTIMIZERS

NETS = ("plain", "normed")


@dataclass(frozen=True)
class Snapshot:
    """Both nets after ``step`` updates."""

    step: int
    plain: NetStats
    normed: NetStats


def check_batch(batch_size: int, n_train: int, norm: str, arch: str = "mlp") -> None:
    """ValueError explaining why a batch size cannot be trained."""
    if not 1 <= batch_size <= n_train:
        raise ValueError(f"The batch size ({batch_size}) must be between 1 and the {n_train} training examples "
                         "of this dataset.")
    if batch_size == 1 and norm == "batch" and arch == "mlp":
        raise ValueError("Batch norm cannot train with batch size 1: the batch mean is the example itself, so "
                         "every normalized value would be 0. Use a batch of 2 or more, or group/layer norm.")


class PairedTrainer:
    """A plain net and its normalized twin with identical initial weights, same batches, same optimizer."""

    def __init__(self, dataset: str = "digits", depth: int = 3, width: int = 100, activation: str = "sigmoid",
                 init: str = "xavier", norm: str = "batch", placement: str = "before", residual: bool = False,
                 dropout: float = 0.0, arch: str = "mlp", optimizer: str = "sgd", lr: float = 0.5,
                 batch_size: int = 60, seed: int = 0, bins: int = 40, record_every: int = 20,
                 capacity: int = 256, split: Split | None = None, **hyper):
        split = split if split is not None else load(dataset, seed=seed)  # a given split (own CSV) wins
        check_batch(batch_size, len(split.x_train), norm, arch)
        spec = NetSpec(split.n_features, split.n_classes, depth, width, activation, init, "none", placement,
                       residual, dropout, image_shape=split.image_shape, arch=arch)
        self.plain = build(spec, seed)
        self.normed = build(replace(spec, norm=norm), seed)
        copy_shared_weights(self.plain, self.normed)
        for net in (self.plain, self.normed):  # both nets drop the same units at the same step
            _seed_dropout(net, seed)
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"Unknown optimizer {optimizer!r}; choose one of {', '.join(OPTIMIZERS)}.")
        self.optimizer = OPTIMIZERS[optimizer].make_torch(
            list(self.plain.parameters()) + list(self.normed.parameters()), lr=lr, **hyper)
        self.split, self.batch_size, self.norm = split, batch_size, norm
        self.step_count, self.recording = 0, True
        self.diverged_at: int | None = None
        self.diverged_nets: tuple[str, ...] = ()
        self._x, self._y = torch.from_numpy(split.x_train), torch.from_numpy(split.y_train)
        self._rng = np.random.default_rng([seed, 15485863])
        self._order, self._cursor = self._rng.permutation(len(self._x)), 0
        x_test, y_test = torch.from_numpy(split.x_test), torch.from_numpy(split.y_test)
        self._rec = [Recorder(net, bins, x_test, y_test) for net in (self.plain, self.normed)]
        self._loss_sum, self._loss_n = np.zeros(2), 0
        self.history: History[Snapshot] = History(capacity, record_every)
        self._latest = self._peek()
        self.history.add(0, self._latest)

    @property
    def nets(self) -> tuple[Net, Net]:
        """(plain, normed)."""
        return self.plain, self.normed

    def set_lr(self, lr: float) -> None:
        """Change the learning rate of both nets without restarting."""
        if not (isinstance(lr, int | float) and np.isfinite(lr) and lr > 0):
            raise ValueError(f"The learning rate must be a positive number, got {lr}.")
        for g in self.optimizer.param_groups:
            g["lr"] = float(lr)

    def _next_batch(self) -> tuple[torch.Tensor, torch.Tensor]:
        idx = torch.from_numpy(self._order[self._cursor:self._cursor + self.batch_size])
        return self._x[idx], self._y[idx]

    def _advance(self) -> None:
        # Reshuffle as soon as a full batch no longer fits, so the upcoming batch is always known (for _peek).
        self._cursor += self.batch_size
        if self._cursor + self.batch_size > len(self._order):
            self._order, self._cursor = self._rng.permutation(len(self._order)), 0

    def _forward(self, x, y, tap: bool):
        with ExitStack() as stack:
            taps = [stack.enter_context(activation_taps(net)) if tap else None for net in self.nets]
            losses = [F.cross_entropy(net(x), y) for net in self.nets]
        return taps, losses

    def step(self, n: int = 1) -> int:
        """Up to ``n`` lockstep updates; stops at a non-finite loss (see ``diverged_at``). Returns steps done."""
        done = 0
        while done < n and self.diverged_at is None:
            due = self.recording and self.history.due(self.step_count)
            taps, losses = self._forward(*self._next_batch(), tap=due)
            values = np.array([loss.item() for loss in losses])
            if not np.all(np.isfinite(values)):
                self.diverged_at = self.step_count + 1
                self.diverged_nets = tuple(k for k, v in zip(NETS, values, strict=True) if not np.isfinite(v))
                break
            self.optimizer.zero_grad(set_to_none=True)
            (losses[0] + losses[1]).backward()  # the nets share no parameter: each gets its own gradient
            self._loss_sum += values
            self._loss_n += 1
            if due:
                self._latest = self._record(taps, [[b.linear.weight.grad for b in net.blocks] for net in self.nets])
                self.history.add(self.step_count, self._latest)
            self.optimizer.step()
            self._advance()
            self.step_count += 1
            done += 1
        return done

    def _record(self, taps, grads) -> Snapshot:
        mean_loss = self._loss_sum / max(self._loss_n, 1)
        self._loss_sum, self._loss_n = np.zeros(2), 0
        stats = [r.record(t, g, float(v)) for r, t, g, v in zip(self._rec, taps, grads, mean_loss, strict=True)]
        return Snapshot(self.step_count, *stats)

    def _peek(self) -> Snapshot:
        """A record of the current state on the upcoming batch, changing nothing (no update, no RNG draw)."""
        with ExitStack() as stack:
            for net in self.nets:
                stack.enter_context(probe_mode(net))
            taps, losses = self._forward(*self._next_batch(), tap=True)
            grads = [torch.autograd.grad(loss, [b.linear.weight for b in net.blocks])
                     for loss, net in zip(losses, self.nets, strict=True)]
        self._loss_sum, self._loss_n = np.array([loss.item() for loss in losses]), 1
        return self._record(taps, grads)

    def snapshot(self, fresh: bool = True) -> Snapshot:
        """Statistics of both nets now (after a divergence: the last good ones); ``fresh=False`` returns the
        latest record instead, at most one record interval old, without measuring again."""
        if fresh and self.diverged_at is None and self._latest.step != self.step_count:
            snap = self._peek()
            if np.isfinite([snap.plain.loss, snap.normed.loss]).all():
                self._latest = snap
        return self._latest


def _seed_dropout(net: Net, seed: int) -> None:
    g = torch.Generator().manual_seed(seed + 2)
    for m in net.modules():
        if isinstance(m, SeededDropout):
            m.generator = g
