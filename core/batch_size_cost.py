"""What the batch-size experiment will cost before it runs: seconds from its sizes and three measured rates.

One training step of a cell is modelled as three kinds of work, each with a rate this machine measures once:

* ``layer``: per-layer op overhead (launches, autograd, the optimizer's per-tensor loop); it dominates small nets;
* ``mac``: multiply-adds of forward and backward (3 x batch x the net's MACs per example), plus the element-wise
  passes over every activation value; it dominates wide layers at large batches;
* ``param``: the optimizer's update of every weight (memory-bound); it dominates wide nets at small batches.

The rates come from tiny runs (``Probe``) timed once per process in CPU seconds of the calling thread
(``measured``), so the promise a page makes ("about 12 s") follows the machine, the optimizer and the preset, and a
busy moment during the timing does not inflate it; a page scales it by how busy the machine is when it promises.

>>> from core.batch_size_experiment import BatchSizeConfig
>>> digits, rates = Sizes(n_features=64, n_classes=10, n_test=450), Rates(layer=1e-4, mac=3e-11, param=2e-9)
>>> cs231n = BatchSizeConfig(depth=10, width=500, activation="tanh", init="normal_0.01", lr=0.1, steps=150)
>>> small = BatchSizeConfig(steps=150)  # 3 x 64 ReLU
>>> round(experiment_seconds(cs231n, digits, rates)), round(experiment_seconds(small, digits, rates))
(46, 3)
>>> steps_that_fit(cs231n, digits, rates, seconds=20.0)
61
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, replace

import numpy as np
import torch

from core.batch_size_experiment import BatchSizeConfig, cell_order, train_steps
from core.networks import NetSpec, build
from core.optim.registry import OPTIMIZERS

FIXED_LAYERS = 2.0  # per-step work outside the blocks (batch sampling, loss, zero_grad), in layer units
NORM_LAYERS = 0.6  # a norm layer's overhead, as a share of a plain block's (measured with batch and group norm)
VALUE_MACS = 40.0  # element-wise passes (activation, norm, their gradients) per hidden value, in multiply-adds
FORWARD_SHARE = 1 / 3  # an evaluation forward pass, as a share of a training step's overhead and weight traffic
CELL_LAYERS = 10.0  # a cell's set-up (data split, fresh net, optimizer), in layer units


@dataclass(frozen=True)
class Sizes:
    """The dataset's shape, which sets the input layer, the readout and the evaluation."""

    n_features: int
    n_classes: int
    n_test: int


@dataclass(frozen=True)
class Rates:
    """Seconds per unit of each kind of work on this machine (see ``probe``)."""

    layer: float  # per layer and step
    mac: float  # per multiply-add
    param: float  # per weight updated


def _macs(cfg: BatchSizeConfig, s: Sizes) -> float:
    """Multiply-adds of one forward pass of one example (= weights of the linear maps)."""
    return s.n_features * cfg.width + (cfg.depth - 1) * cfg.width ** 2 + cfg.width * s.n_classes


def _layers(cfg: BatchSizeConfig, norm: str) -> float:
    return (cfg.depth + 1) + (NORM_LAYERS * cfg.depth if norm != "none" else 0.0)


def cell_seconds(cfg: BatchSizeConfig, norm: str, batch: int, s: Sizes, r: Rates) -> float:
    """Seconds to train one cell for ``cfg.steps`` steps and evaluate it."""
    macs, layers = _macs(cfg, s), _layers(cfg, norm)
    step = (r.layer * (layers + FIXED_LAYERS) + r.mac * batch * (3 * macs + VALUE_MACS * cfg.width * cfg.depth)
            + r.param * macs)
    # Evaluation: one pass over the test rows, and for batch norm one more in chunks of the batch size; each
    # forward pass pays the layers' overhead and reads every weight once.
    chunks = 1 + (math.ceil(s.n_test / batch) if norm == "batch" else 0)
    evaluation = (chunks * FORWARD_SHARE * (r.layer * layers + r.param * macs)
                  + r.mac * s.n_test * macs * (2 if norm == "batch" else 1))
    setup = r.layer * CELL_LAYERS + r.param * macs  # drawing the initial weights touches each one
    return cfg.steps * step + evaluation + setup


def experiment_seconds(cfg: BatchSizeConfig, s: Sizes, r: Rates) -> float:
    """Seconds for every cell of the sweep."""
    return sum(cell_seconds(cfg, n, b, s, r) for n, b in cell_order(cfg))


def steps_that_fit(cfg: BatchSizeConfig, s: Sizes, r: Rates, seconds: float) -> int:
    """The most steps per cell (0 if none) for which the sweep fits in ``seconds`` (the cost is affine in steps)."""
    at0 = experiment_seconds(_with_steps(cfg, 0), s, r)
    per_step = experiment_seconds(_with_steps(cfg, 1), s, r) - at0
    return max(0, int((seconds - at0) / per_step)) if per_step > 0 else cfg.steps


def _with_steps(cfg: BatchSizeConfig, steps: int) -> BatchSizeConfig:
    return replace(cfg, steps=steps)


class Probe:
    """A tiny timed training run: ``probe()`` trains a few steps and returns the units of work it did.

    The net is built on the first call (callers time several calls and keep the fastest, which excludes it).
    """

    def __init__(self, kind: str, optimizer: str = "sgd"):
        # layer: overhead only (8 units wide); mac: 512 x 512 at batch 256; param: 1024 x 1024 weights at batch 1.
        self.kind, self.optimizer = kind, optimizer
        self.depth, self.width, self.batch, self.steps = {
            "layer": (4, 8, 2, 10), "mac": (1, 512, 256, 2), "param": (1, 1024, 1, 3)}[kind]
        self._run = None

    def _build(self):
        g = torch.Generator().manual_seed(0)
        if self.kind == "layer":  # the experiment's own blocks: their overhead is what is measured
            net = build(NetSpec(self.width, 2, self.depth, self.width, "relu", "he", "none"), seed=0)
        else:  # one wide linear map: its multiply-adds or its weights dominate everything else
            net = torch.nn.Sequential(torch.nn.Linear(self.width, self.width), torch.nn.Linear(self.width, 2))
        opt = OPTIMIZERS[self.optimizer].make_torch(net.parameters(), lr=1e-6)
        n = max(self.batch, 16)
        x, y = torch.randn(n, self.width, generator=g), torch.arange(n) % 2
        rng = np.random.default_rng(0)
        train_steps(net, opt, x, y, self.batch, 1, rng)  # warm-up: first calls allocate
        return lambda: train_steps(net, opt, x, y, self.batch, self.steps, rng)

    def __call__(self) -> float:
        if self._run is None:
            self._run = self._build()
        self._run()
        if self.kind == "layer":
            return self.steps * (self.depth + 1 + FIXED_LAYERS)
        if self.kind == "mac":
            return self.steps * self.batch * 3 * (self.width * self.width + 2 * self.width)
        return self.steps * (self.width * self.width + 2 * self.width)


_RATES: dict[tuple[str, str], float] = {}
_LOCK = threading.Lock()


def measured(kind: str, optimizer: str = "sgd") -> float:
    """Seconds per unit of ``kind`` for ``optimizer``: a ``Probe`` timed on first use in this process, best of three.

    CPU time of this thread, not wall time: the work's own cost, whatever else the machine is running meanwhile.
    """
    key = (kind, optimizer if kind != "mac" else "")
    with _LOCK:
        if key in _RATES:
            return _RATES[key]
    probe, best = Probe(kind, optimizer), float("inf")
    for _ in range(4):  # the first call also builds the net and warms up; the best of the rest is kept
        t0 = time.thread_time()
        units = probe()
        best = min(best, (time.thread_time() - t0) / units)
    with _LOCK:
        return _RATES.setdefault(key, best)


def rates(optimizer: str) -> Rates:
    """This machine's rates for ``optimizer`` (``measured`` once per process)."""
    return Rates(measured("layer", optimizer), measured("mac"), measured("param", optimizer))
