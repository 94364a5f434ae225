"""Learning-rate tolerance: final held-out accuracy vs learning rate, for a plain net and its batch-norm twin.

Ioffe & Szegedy (2015, section 3.3) promise that batch norm "enables higher learning rates": a layer's output does
not grow with the scale of its weights, so a large step neither blows the activations up nor saturates them. Each
learning rate of a log grid trains a plain net and its BN twin (same initial weights, same batches, plain SGD);
the *band* of a net is the widest run of neighbouring grid rates at which it trains (``common.TRAINED``).

>>> r = lr_tolerance(LrToleranceConfig(setup=Setup(steps=20), lrs=(0.1, 1.0)))
>>> r.accuracy.shape, r.complete
((2, 2), True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from core.bn_promises.common import TRAINED, Setup, data, trained
from core.bn_promises.stacked import Cost, Stack, timing, train
from core.networks import build, copy_shared_weights

NORMS = ("none", "batch")  # row order of every (2, ...) array: plain, then batch norm
LRS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0)  # half-decades from 1e-3 to 30
DEFAULT = Setup(init="xavier", steps=600)


@dataclass(frozen=True)
class LrToleranceConfig:
    """The base setting (its ``lr`` is unused: the grid replaces it) and the learning rates to try."""

    setup: Setup = DEFAULT
    lrs: tuple[float, ...] = LRS

    def validate(self) -> None:
        """ValueError with a sentence for an unusable grid or setting."""
        self.setup.validate()
        if not 2 <= len(self.lrs) <= 16:
            raise ValueError(f"The grid needs 2 to 16 learning rates, got {len(self.lrs)}.")
        if any(not (np.isfinite(r) and r > 0) for r in self.lrs) or list(self.lrs) != sorted(set(self.lrs)):
            raise ValueError("The learning rates must be positive, distinct and increasing.")


@dataclass(frozen=True)
class LrToleranceResult:
    """Accuracy (2, L) per norm (plain, BN) and grid rate after ``steps_done`` steps; nan where a run diverged."""

    config: LrToleranceConfig
    accuracy: np.ndarray
    diverged_at: tuple[tuple[int | None, ...], ...]  # (2, L): the step whose loss was not finite, else None
    steps_done: int
    initial: np.ndarray = field(compare=False, default=None)  # (2, L) accuracy before training

    @property
    def complete(self) -> bool:
        """Whether every net trained all its steps (False: stopped at the promised time)."""
        return self.steps_done == self.config.setup.steps

    @property
    def lrs(self) -> np.ndarray:
        """The grid (L,)."""
        return np.asarray(self.config.lrs, dtype=float)

    def trained(self, norm: str) -> np.ndarray:
        """Whether each grid rate trained (L,) bool for ``norm`` ("none" or "batch")."""
        return np.array([trained(a) for a in self.accuracy[NORMS.index(norm)]])

    def band(self, norm: str) -> tuple[float, float] | None:
        """(lowest, highest) rate of the widest run of neighbouring grid rates that train; None if none does."""
        ok, best, run = self.trained(norm), None, None
        for i, good in enumerate(ok):
            run = (run[0] if run else i, i) if good else None
            if run and (best is None or run[1] - run[0] > best[1] - best[0]):
                best = run
        return None if best is None else (float(self.lrs[best[0]]), float(self.lrs[best[1]]))

    def band_ratio(self, norm: str) -> float:
        """Highest over lowest rate of the band (1 for a single rate, 0 when nothing trains)."""
        b = self.band(norm)
        return 0.0 if b is None else b[1] / b[0]


def lr_tolerance(cfg: LrToleranceConfig = LrToleranceConfig(), *, tick: Callable[[float, str], None] | None = None,
                 stop_at: float | None = None,
                 publish: Callable[[LrToleranceResult], None] | None = None) -> LrToleranceResult:
    """Train a plain net and its BN twin at every rate of ``cfg.lrs``; accuracy (2, L) on the held-out rows.

    ``tick(fraction, text)`` reports progress (and may raise to cancel); the run stops before ``stop_at``
    (``time.monotonic()``) with the accuracy reached so far (``complete`` False); ``publish(result)`` receives
    the state at evenly spaced steps (a live chart).
    """
    cfg.validate()
    s, d = cfg.setup, data(cfg.setup.dataset, cfg.setup.seed)
    stacks = _stacks(cfg)
    initial = _result(cfg, stacks, 0).accuracy
    text = f"{2 * len(cfg.lrs)} networks, {s.steps} steps"
    done = train(stacks, d, s, tick, stop_at, text,
                 publish=(lambda k: publish(_result(cfg, stacks, k, initial))) if publish else None)
    return _result(cfg, stacks, done, initial)


def untrained(cfg: LrToleranceConfig = LrToleranceConfig()) -> LrToleranceResult:
    """The experiment's nets before their first step (``steps_done`` 0): where every run starts."""
    cfg.validate()
    return _result(cfg, _stacks(cfg), 0)


def cost(cfg: LrToleranceConfig = LrToleranceConfig()) -> Cost:
    """What the experiment costs on a free core (``Cost.seconds(steps)``): a few of its own steps timed here."""
    cfg.validate()
    return timing(lambda: _stacks(cfg), data(cfg.setup.dataset, cfg.setup.seed), cfg.setup)


def _stacks(cfg: LrToleranceConfig) -> list[Stack]:
    s, d = cfg.setup, data(cfg.setup.dataset, cfg.setup.seed)
    plain = build(s.spec(d), s.seed)  # one initial net: every rate and both twins start from its weights
    nets = [[build(s.spec(d, norm), s.seed) for _ in cfg.lrs] for norm in NORMS]
    for net in nets[1]:
        copy_shared_weights(plain, net)
    return [Stack(group, cfg.lrs) for group in nets]


def _result(cfg: LrToleranceConfig, stacks: list[Stack], steps: int, initial=None) -> LrToleranceResult:
    d = data(cfg.setup.dataset, cfg.setup.seed)
    acc = np.stack([st.accuracy(d.x_test, d.y_test) for st in stacks])
    return LrToleranceResult(cfg, acc, tuple(tuple(st.diverged_at) for st in stacks), steps,
                             acc if initial is None else initial)


def claims(r: LrToleranceResult) -> list[str]:
    """What the chart shows, read from the result: each band, how much wider BN's is, and the divergences."""
    def name(lo_hi) -> str:
        lo, hi = lo_hi
        return f"lr {lo:g}" if lo == hi else f"lr {lo:g} to {hi:g} (×{hi / lo:.0f})"

    plain, bn = r.band("none"), r.band("batch")
    out = []
    if bn is None and plain is None:
        out.append(f"**Neither net reaches {TRAINED:.0%} held-out accuracy at any rate of the grid** in "
                   f"{r.steps_done} steps.")
    elif plain is None:
        out.append(f"**Batch norm trains at {name(bn)}; the plain net at no rate of the grid** (none reaches "
                   f"{TRAINED:.0%} held-out accuracy in {r.steps_done} steps).")
    elif bn is None:
        out.append(f"**Here the plain net trains at {name(plain)} and batch norm at no rate of the grid.**")
    else:
        ratio = r.band_ratio("batch") / r.band_ratio("none")
        if ratio > 1:
            out.append(f"**Batch norm trains at {name(bn)}, the plain net only at {name(plain)}: batch norm's band "
                       f"is {ratio:.0f} times wider.**")
        else:
            out.append(f"**Here batch norm's band ({name(bn)}) is not wider than the plain net's ({name(plain)}).**")
    out.append(_divergences(r))
    return [c for c in out if c]


def _divergences(r: LrToleranceResult) -> str:
    said = [f"{who} at lr {lr:g}: diverged at step {at}" for k, who in enumerate(("plain", "batch norm"))
            for lr, at in zip(r.config.lrs, r.diverged_at[k], strict=True) if at is not None]
    return ("Loss not finite, no accuracy (an x at 0): " + "; ".join(said) + ".") if said else ""
