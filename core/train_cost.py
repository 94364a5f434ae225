"""What one live pair costs before it is built: work units of a training step, a record and a test evaluation.

A unit is one multiply-add; per-op overhead is charged as a fixed number of units per layer, which is what
dominates small nets. The counts follow from the sizes alone (depth, width², batch, positions per channel, test
rows), so the frame stride derived from them is the same on every machine; a page converts units to seconds
with the rate it measured (``views.ui.budget.rate``).

>>> c = pair_cost(PairSizes("mlp", depth=3, width=100, batch=60, n_features=64, n_classes=10, n_test=450))
>>> c.stride, c.accuracy_every
(10, 10)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

OVERHEAD = 4e6  # units per layer of one net per step: op launches, hooks, optimizer bookkeeping (measured ~0.5 ms)
PER_VALUE = 200.0  # units per recorded value (pre, post): histogram, moments and saturation passes
GRAD_SAMPLE = 16_384  # weight-gradient entries a record histograms per layer (core.paired_trainer)
FRAME_UNITS = 0.75e9  # training and record per frame (~0.09 s here): four frames a second on half a core
MAX_STRIDE = 20  # the classic record interval: a small net records every 20 steps
ACCURACY_SHARE = 0.25  # the held-out evaluation may cost at most this share of the training between two
LIVE_STEPS = 30  # a live view is worth showing when this many steps (with their records) fit a job's budget
CONV_SHARE = 0.4  # a 3x3 conv's multiply-add costs less than a small matmul's: its GEMMs are large and dense


@dataclass(frozen=True)
class PairSizes:
    """The sizes that set the cost of a plain + normalized pair (the norm itself costs little)."""

    arch: str  # "mlp" or "cnn"
    depth: int
    width: int
    batch: int
    n_features: int
    n_classes: int
    n_test: int
    positions: int = 1  # H * W per channel for the CNN (its 3x3 convs keep the size), 1 for the MLP


@dataclass(frozen=True)
class PairCost:
    """Units of one lockstep step, one record, one test evaluation; the frame stride and accuracy cadence."""

    step: float
    record: float
    accuracy: float
    stride: int  # steps between two recorded frames
    accuracy_every: int  # steps between two held-out evaluations (a multiple of ``stride``)

    def frames(self, steps: int) -> float:
        """Units of ``steps`` steps with their records and evaluations."""
        return (steps * self.step + steps / self.stride * self.record
                + steps / self.accuracy_every * self.accuracy)

    @property
    def build(self) -> float:
        """Units of a fresh pair's first record (one step's worth of forward/backward, a record, an evaluation)."""
        return self.step + self.record + self.accuracy


def forward_macs(s: PairSizes) -> float:
    """Multiply-adds of one net's forward pass on one example."""
    if s.arch == "cnn":
        convs = 9 * s.width * s.positions * (1 + (s.depth - 1) * s.width)
        return CONV_SHARE * convs + s.width * s.n_classes
    return s.n_features * s.width + (s.depth - 1) * s.width ** 2 + s.width * s.n_classes


def pair_cost(s: PairSizes) -> PairCost:
    """The cost of a pair of these sizes, with the stride that keeps a frame within ``FRAME_UNITS``."""
    fwd = forward_macs(s)
    step = 2 * (3 * s.batch * fwd + OVERHEAD * (s.depth + 1))  # two nets; backward ~ twice the forward
    grads = min(GRAD_SAMPLE, s.width * s.width * (9 if s.arch == "cnn" else 1))
    record = 2 * PER_VALUE * s.depth * (2 * s.batch * s.width * s.positions + grads)
    accuracy = 2 * s.n_test * fwd
    stride = int(min(MAX_STRIDE, max(1, FRAME_UNITS // (step + record))))
    per = math.ceil(accuracy / (ACCURACY_SHARE * step * stride)) * stride
    return PairCost(step, record, accuracy, stride, max(stride, per))


def nearest_fitting(s: PairSizes, fits, widths, depths) -> PairSizes | None:
    """The setting closest to ``s`` for which ``fits(PairSizes)``: the widest fitting width first, then shallower
    nets at the original width; None when nothing fits."""
    for w in sorted((w for w in widths if w < s.width), reverse=True):
        if fits(replace(s, width=w)):
            return replace(s, width=w)
    for d in sorted((d for d in depths if d < s.depth), reverse=True):
        if fits(replace(s, depth=d)):
            return replace(s, depth=d)
    return None
