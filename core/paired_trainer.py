"""Two copies of one network, without and with a normalization, trained in lockstep on the same mini-batches.

A record at step k describes the nets after k updates, measured on the mini-batch of update k+1 (its
activations and its gradients: what the optimizer is about to use), like TensorBoard's training histograms.
Each net's histograms of one kind share one range over every layer, fixed at the first record, so depth and time
compare on one axis; what falls outside is counted in ``Snapshot.outside`` rather than drawn as an edge bar. A
layer with more than ``GRAD_SAMPLE`` weights histograms a fixed random sample of its gradient (its norm is exact).
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, field, replace

import numpy as np
import torch
import torch.nn.functional as F

from core.activation_capture import activation_taps, edges_for, layer_stats, probe_mode, unit_percentiles
from core.datasets import Split, load
from core.history import History
from core.net_recorder import NetStats, accuracy
from core.networks import Net, NetSpec, SeededDropout, build, copy_shared_weights
from core.optim.registry import OPTIMIZERS
from core.train_cost import GRAD_SAMPLE

NETS = ("plain", "normed")
KINDS = ("pre", "post", "grad")


@dataclass(frozen=True)
class Snapshot:
    """Both nets after ``step`` updates."""

    step: int
    plain: NetStats
    normed: NetStats
    # Per net (plain, normed): shares of values below / above the histogram range, (kinds, layers, 2), KINDS order.
    outside: tuple[np.ndarray, np.ndarray] | None = field(default=None, compare=False)
    evaluated: bool = True  # False: test_accuracy is carried from the last evaluation (see accuracy_every)


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
                 capacity: int = 256, split: Split | None = None, accuracy_every: int = 1, **hyper):
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
        self._test = torch.from_numpy(split.x_test), torch.from_numpy(split.y_test)
        self.bins, self.activation, self.accuracy_every = bins, activation, max(int(accuracy_every), 1)
        self.edges: list[dict[str, list[np.ndarray]]] | None = None  # per net, fixed at the first record
        g = torch.Generator().manual_seed(seed + 3)
        self._picks = [_grad_picks(net, g) for net in self.nets]  # the same entries of each gradient every time
        self._loss_sum, self._loss_n = np.zeros(2), 0
        self.history: History[Snapshot] = History(capacity, record_every)
        self._latest = self._peek()
        self.history.add(0, self._latest)
        # Evaluations follow their own cadence from step 0; a look between records (snapshot) does not shift it.
        self._accuracy = (self._latest.plain.test_accuracy, self._latest.normed.test_accuracy)
        self._evaluated_at = 0

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
                grads = [[b.linear.weight.grad for b in net.blocks] for net in self.nets]
                if self.step_count - self._evaluated_at >= self.accuracy_every:
                    self._accuracy, self._evaluated_at = self._evaluate(), self.step_count
                self._latest = self._record(taps, grads, self._accuracy, self._evaluated_at == self.step_count)
                self.history.add(self.step_count, self._latest)
            self.optimizer.step()
            self._advance()
            self.step_count += 1
            done += 1
        return done

    def _evaluate(self) -> tuple[float, float]:
        return tuple(accuracy(net, *self._test) for net in self.nets)

    def _record(self, taps, grads, acc: tuple[float, float], evaluated: bool) -> Snapshot:
        mean_loss = self._loss_sum / max(self._loss_n, 1)
        self._loss_sum, self._loss_n = np.zeros(2), 0
        seen = [[g.reshape(-1)[i] if i is not None else g for g, i in zip(gs, picks, strict=True)]
                for gs, picks in zip(grads, self._picks, strict=True)]
        if self.edges is None:
            self.edges = [_shared_edges(t, s, self.activation, self.bins) for t, s in zip(taps, seen, strict=True)]
        stats = []
        for t, gs, s, e, loss, a in zip(taps, grads, seen, self.edges, mean_loss, acc, strict=True):
            layers = layer_stats(t, s, e, self.activation)
            layers = tuple(replace(st, grad_norm=float(g.norm())) for st, g in zip(layers, gs, strict=True))
            stats.append(NetStats(layers, unit_percentiles(t[-1][0]), float(loss), a))
        outside = tuple(_outside(t, s, e) for t, s, e in zip(taps, seen, self.edges, strict=True))
        return Snapshot(self.step_count, *stats, outside=outside, evaluated=evaluated)

    def _peek(self) -> Snapshot:
        """A record of the current state on the upcoming batch, changing nothing (no update, no RNG draw)."""
        with ExitStack() as stack:
            for net in self.nets:
                stack.enter_context(probe_mode(net))
            taps, losses = self._forward(*self._next_batch(), tap=True)
            grads = [torch.autograd.grad(loss, [b.linear.weight for b in net.blocks])
                     for loss, net in zip(losses, self.nets, strict=True)]
        self._loss_sum, self._loss_n = np.array([loss.item() for loss in losses]), 1
        return self._record(taps, grads, self._evaluate(), True)

    def snapshot(self, fresh: bool = True) -> Snapshot:
        """Statistics of both nets now (after a divergence: the last good ones); ``fresh=False`` returns the
        latest record instead, at most one record interval old, without measuring again."""
        if fresh and self.diverged_at is None and self._latest.step != self.step_count:
            snap = self._peek()
            if np.isfinite([snap.plain.loss, snap.normed.loss]).all():
                self._latest = snap
        return self._latest


def _grad_picks(net: Net, g: torch.Generator) -> list[torch.Tensor | None]:
    """Per block: GRAD_SAMPLE fixed random indices into its flattened weight, or None to take every entry."""
    sizes = [b.linear.weight.numel() for b in net.blocks]
    return [torch.randperm(n, generator=g)[:GRAD_SAMPLE] if n > GRAD_SAMPLE else None for n in sizes]


def _shared_edges(taps, grads, activation: str, bins: int) -> dict[str, list[np.ndarray]]:
    """One range per kind over every layer of a net (the widest layer sets it), repeated per layer."""
    values = {"pre": [p for p, _ in taps], "post": [o for _, o in taps], "grad": list(grads)}
    return {k: [edges_for(torch.cat([v.reshape(-1) for v in vs]), k, activation, bins)] * len(vs)
            for k, vs in values.items()}


def _outside(taps, grads, edges) -> np.ndarray:
    """Shares of values below and above each histogram's range: (kinds, layers, 2) in KINDS order."""
    values = {"pre": [p for p, _ in taps], "post": [o for _, o in taps], "grad": list(grads)}
    out = np.zeros((len(KINDS), len(taps), 2))
    for k, kind in enumerate(KINDS):
        for i, v in enumerate(values[kind]):
            lo, hi, n = float(edges[kind][i][0]), float(edges[kind][i][-1]), max(v.numel(), 1)
            out[k, i] = int((v < lo).sum()) / n, int((v > hi).sum()) / n
    return out


def _seed_dropout(net: Net, seed: int) -> None:
    g = torch.Generator().manual_seed(seed + 2)
    for m in net.modules():
        if isinstance(m, SeededDropout):
            m.generator = g
