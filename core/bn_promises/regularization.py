"""Batch norm as a regularizer: the train/test accuracy gap over training, with and without BN and dropout.

Ioffe & Szegedy (2015, Sec. 3.4): a training example is seen together with the other examples of its mini-batch,
so the network no longer gives one deterministic output per example; the noise of the batch statistics acts as a
regularizer, "reducing the need for dropout". On a deliberately small training subset every net fits its training
rows and overfits; the gap between accuracy on those rows and on held-out rows measures how much.

Four variants start from the same weights (``copy_shared_weights``) and see the same mini-batches: plain,
plain + dropout, BN, BN + dropout. Accuracies are measured in eval mode (dropout off, BN's running statistics):
the net as it would be deployed.

>>> res = regularization_gap(RegularizationConfig(setup=replace(REG_SETUP, steps=40), every=20))
>>> [c.name for c in res.curves], res.curves[0].step.tolist()
(['plain', 'plain + dropout', 'BN', 'BN + dropout'], [0, 20, 40])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace  # noqa: F401 (replace: the doctest)

import numpy as np
import torch
import torch.nn.functional as F

from core.bn_promises.common import TICK_STEPS, Data, Setup, Stop, accuracy, batch_order, data, ticker
from core.networks import Net, build, copy_shared_weights
from core.optim.registry import OPTIMIZERS

__all__ = ["VARIANTS", "REG_SETUP", "RegularizationConfig", "GapCurve", "RegularizationResult",
           "regularization_gap", "variant_nets", "units"]

VARIANTS = (("plain", "none", False), ("plain + dropout", "none", True), ("BN", "batch", False),
            ("BN + dropout", "batch", True))  # (name, norm, with dropout)
# ReLU with He init trains every variant to 100% of a small subset (sigmoid plain nets underfit instead, which
# would hide the overfitting); batches of 10 make BN's batch statistics noisy, which is where its regularizing
# effect comes from.
REG_SETUP = Setup(activation="relu", init="he", width=128, lr=0.1, batch_size=10, steps=600)
STEP_OVERHEAD = 4e6  # cost units per net-layer-step beyond its multiply-adds (op launches; core.train_cost's value)


@dataclass(frozen=True)
class RegularizationConfig:
    """The base setting, the size of the training subset, the dropout rate and how often accuracy is measured."""

    setup: Setup = REG_SETUP
    n_train: int = 50  # the first n_train rows of the (shuffled) training split: few, so overfitting shows
    dropout: float = 0.5  # p of the two dropout variants (after each hidden block's activation)
    optimizer: str = "sgd"
    every: int = 20  # steps between two measurements

    def validate(self, n_available: int) -> None:
        """ValueError with a student-readable sentence for any unusable setting."""
        self.setup.validate()
        if not 10 <= self.n_train <= n_available:
            raise ValueError(f"The training subset must hold between 10 and {n_available} examples, "
                             f"got {self.n_train}.")
        if not self.setup.batch_size <= self.n_train:
            raise ValueError(f"The batch size ({self.setup.batch_size}) must not exceed the {self.n_train} "
                             "training examples.")
        if not 0.0 < self.dropout < 1.0:
            raise ValueError(f"Dropout p must be strictly between 0 and 1, got {self.dropout}.")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"Unknown optimizer {self.optimizer!r}; choose one of {', '.join(OPTIMIZERS)}.")
        if not 1 <= self.every <= self.setup.steps:
            raise ValueError(f"Measure every 1 to {self.setup.steps} steps, got {self.every}.")


@dataclass(frozen=True)
class GapCurve:
    """One variant's measurements, each (k,): at ``step``; nan from the step it diverged at on."""

    name: str
    norm: str
    dropout: float
    step: np.ndarray  # int, 0 = the fresh net
    train_acc: np.ndarray  # on the n_train training rows, eval mode
    test_acc: np.ndarray  # on the held-out rows, eval mode
    diverged_at: int | None  # 1-based step whose loss was not finite

    @property
    def gap(self) -> np.ndarray:
        """Train minus test accuracy (k,): how much better the net does on rows it has seen."""
        return self.train_acc - self.test_acc


@dataclass(frozen=True)
class RegularizationResult:
    """Four ``GapCurve`` in ``VARIANTS`` order; ``steps_done`` < steps when stopped at a deadline."""

    config: RegularizationConfig
    curves: tuple[GapCurve, ...]
    n_test: int
    steps_done: int
    _by: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_by", {c.name: c for c in self.curves})

    @property
    def complete(self) -> bool:
        """Whether every planned step was trained."""
        return self.steps_done == self.config.setup.steps

    def curve(self, name: str) -> GapCurve:
        """The curve of variant ``name`` (a name of ``VARIANTS``)."""
        return self._by[name]

    def late(self, name: str, what: str = "gap") -> float:
        """Mean of ``what`` ("gap", "train_acc", "test_acc") over the last quarter of the measurements (at least
        one): the end of training without one measurement's noise; nan if the variant diverged."""
        c = self.curve(name)
        v = getattr(c, what)
        if c.diverged_at is not None or len(v) == 0:
            return float("nan")
        return float(np.mean(v[-max(1, len(v) // 4):]))


def variant_nets(cfg: RegularizationConfig, d: Data) -> list[Net]:
    """The four nets of ``VARIANTS``, with the plain net's initial weights (biases where both have them)."""
    nets = []
    for _, norm, drop in VARIANTS:
        net = build(cfg.setup.spec(d, norm, dropout=cfg.dropout if drop else 0.0), cfg.setup.seed)
        if nets:
            copy_shared_weights(nets[0], net)
        nets.append(net)
    return nets


def _measure(nets: list[Net], alive: list[bool], x, y, xt, yt) -> np.ndarray:
    """(nets, 2): train and test accuracy in eval mode; nan for a diverged net."""
    out = np.full((len(nets), 2), np.nan)
    with torch.no_grad():
        for k, net in enumerate(nets):
            if alive[k]:
                net.train(False)
                out[k] = float(accuracy(net(x), y)), float(accuracy(net(xt), yt))
                net.train(True)
    return out


def regularization_gap(cfg: RegularizationConfig = RegularizationConfig(),
                       tick: Callable[[float, str], None] | None = None,
                       stop_at: float | None = None) -> RegularizationResult:
    """Train the four variants in lockstep on the same batches; train/test accuracy (eval mode) every ``every``
    steps and at the last step.

    ``tick(fraction, text)`` every ``TICK_STEPS`` steps may raise to cancel; before ``time.monotonic()`` passes
    ``stop_at`` it stops with the measurements so far (``result.complete`` False). A variant whose loss stops
    being finite is marked ``diverged_at`` and stops; the others go on.
    """
    s = cfg.setup
    d = data(s.dataset, s.seed)
    cfg.validate(len(d.x_train))
    x, y = d.x_train[:cfg.n_train], d.y_train[:cfg.n_train]
    nets = variant_nets(cfg, d)
    opts = [OPTIMIZERS[cfg.optimizer].make_torch(n.parameters(), lr=s.lr) for n in nets]
    order = torch.from_numpy(batch_order(cfg.n_train, s.batch_size, s.steps, s.seed))
    alive, diverged = [True] * len(nets), [None] * len(nets)
    step_tick = ticker(tick, stop_at, s.steps, "plain, dropout, BN, BN + dropout")
    steps, rows = [], []
    done = 0
    try:
        for done in range(s.steps + 1):
            if done % cfg.every == 0 or done == s.steps:
                steps.append(done)
                rows.append(_measure(nets, alive, x, y, d.x_test, d.y_test))
            if done == s.steps:
                break
            if done % TICK_STEPS == 0:
                step_tick(done)
            xb, yb = x[order[done]], y[order[done]]
            for k, (net, opt) in enumerate(zip(nets, opts, strict=True)):
                if not alive[k]:
                    continue
                loss = F.cross_entropy(net(xb), yb)
                if not torch.isfinite(loss):
                    alive[k], diverged[k] = False, done + 1
                    continue
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
    except Stop:
        pass
    table = np.stack(rows) if rows else np.zeros((0, len(nets), 2))  # (k, nets, 2)
    at = np.array(steps, dtype=int)
    curves = tuple(GapCurve(name, norm, cfg.dropout if drop else 0.0, at, table[:, k, 0].copy(),
                            table[:, k, 1].copy(), diverged[k])
                   for k, (name, norm, drop) in enumerate(VARIANTS))
    return RegularizationResult(cfg, curves, len(d.y_test), steps[-1] if steps else 0)


def units(cfg: RegularizationConfig, n_features: int = 64, n_classes: int = 10, n_test: int = 450) -> float:
    """Cost units (multiply-adds plus a per-layer overhead) of ``regularization_gap(cfg)``: four nets' training
    steps (backward ~ twice the forward) and their measurements."""
    s = cfg.setup
    fwd = n_features * s.width + (s.depth - 1) * s.width ** 2 + s.width * n_classes
    step = 3 * s.batch_size * fwd + STEP_OVERHEAD * (s.depth + 1)
    measure = (cfg.n_train + n_test) * fwd + 2 * STEP_OVERHEAD * (s.depth + 1) / 3
    return len(VARIANTS) * (s.steps * step + (s.steps // cfg.every + 1) * measure)
