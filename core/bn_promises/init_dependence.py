"""Initialization dependence: final held-out accuracy for each initialization x activation, plain vs batch norm.

Ioffe & Szegedy (2015, section 3.3) promise that batch norm makes training "less careful about initialization":
each layer's input is renormalized whatever the scale of the weights before it, so weights 100 times too small
(``normal_0.01``: the signal and the gradient vanish through the layers) or too large (``normal_1``: sigmoid and
tanh saturate) start from the same well-scaled activations. Every cell trains a plain net and its BN twin (same
initial weights, same batches, plain SGD at one learning rate).

>>> r = init_dependence(InitDependenceConfig(setup=Setup(steps=10), inits=("he",), activations=("relu",)))
>>> r.accuracy.shape
(2, 1, 1)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.bn_promises.common import TRAINED, Setup, data, trained
from core.bn_promises.stacked import Cost, Stack, timing, train
from core.networks import ACTIVATIONS, INITS, build, copy_shared_weights

NORMS = ("none", "batch")  # axis 0 of every (2, A, I) array
ACTS = ("sigmoid", "tanh", "relu")
DEFAULT = Setup(lr=0.5, steps=300)


@dataclass(frozen=True)
class InitDependenceConfig:
    """The base setting (its ``init`` and ``activation`` are replaced by the grid's) and the grid."""

    setup: Setup = DEFAULT
    inits: tuple[str, ...] = tuple(INITS)
    activations: tuple[str, ...] = ACTS

    def validate(self) -> None:
        """ValueError with a sentence for an unusable grid or setting."""
        self.setup.validate()
        for what, chosen, known in (("initialization", self.inits, INITS), ("activation", self.activations,
                                                                            ACTIVATIONS)):
            if not chosen or len(set(chosen)) != len(chosen):
                raise ValueError(f"Choose at least one {what}, each once.")
            unknown = [c for c in chosen if c not in known]
            if unknown:
                raise ValueError(f"Unknown {what} {unknown[0]!r}; choose from {', '.join(known)}.")


@dataclass(frozen=True)
class InitDependenceResult:
    """Accuracy (2, A, I): norm (plain, BN) x activation x initialization, after ``steps_done`` steps."""

    config: InitDependenceConfig
    accuracy: np.ndarray  # nan where a run diverged
    diverged_at: tuple[tuple[tuple[int | None, ...], ...], ...]  # (2, A, I)
    steps_done: int

    @property
    def complete(self) -> bool:
        """Whether every net trained all its steps (False: stopped at the promised time)."""
        return self.steps_done == self.config.setup.steps

    def cell(self, norm: str, activation: str, init: str) -> float:
        """One net's held-out accuracy (nan if it diverged)."""
        c = self.config
        return float(self.accuracy[NORMS.index(norm), c.activations.index(activation), c.inits.index(init)])

    def trained(self, norm: str) -> np.ndarray:
        """(A, I) bool: which cells of ``norm`` reached ``common.TRAINED``."""
        return np.vectorize(trained, otypes=[bool])(self.accuracy[NORMS.index(norm)])


def init_dependence(cfg: InitDependenceConfig = InitDependenceConfig(), *,
                    tick: Callable[[float, str], None] | None = None, stop_at: float | None = None,
                    publish: Callable[[InitDependenceResult], None] | None = None) -> InitDependenceResult:
    """Train a plain net and its BN twin per (activation, initialization); accuracy (2, A, I) on held-out rows.

    ``tick``, ``stop_at`` and ``publish`` as in ``core.bn_promises.lr_tolerance.lr_tolerance``.
    """
    cfg.validate()
    s, d = cfg.setup, data(cfg.setup.dataset, cfg.setup.seed)
    stacks = _stacks(cfg)
    text = f"{len(stacks) * len(cfg.inits)} networks, {s.steps} steps"
    done = train(stacks, d, s, tick, stop_at, text,
                 publish=(lambda k: publish(_result(cfg, stacks, k))) if publish else None)
    return _result(cfg, stacks, done)


def untrained(cfg: InitDependenceConfig = InitDependenceConfig()) -> InitDependenceResult:
    """The experiment's nets before their first step (``steps_done`` 0): where every cell starts."""
    cfg.validate()
    return _result(cfg, _stacks(cfg), 0)


def cost(cfg: InitDependenceConfig = InitDependenceConfig()) -> Cost:
    """What the experiment costs on a free core (``Cost.seconds(steps)``): a few of its own steps timed here."""
    cfg.validate()
    return timing(lambda: _stacks(cfg), data(cfg.setup.dataset, cfg.setup.seed), cfg.setup)


def _stacks(cfg: InitDependenceConfig) -> list[Stack]:
    """Norm-major, then activation: stack k * A + a holds one net per initialization."""
    s, d = cfg.setup, data(cfg.setup.dataset, cfg.setup.seed)
    stacks = []
    for norm in NORMS:
        for act in cfg.activations:
            nets = []
            for init in cfg.inits:
                plain = build(s.spec(d, activation=act, init=init), s.seed)
                net = plain if norm == "none" else build(s.spec(d, norm, activation=act, init=init), s.seed)
                copy_shared_weights(plain, net)  # the BN twin starts from the plain net's weights
                nets.append(net)
            stacks.append(Stack(nets, [s.lr] * len(nets)))
    return stacks


def _result(cfg: InitDependenceConfig, stacks: list[Stack], steps: int) -> InitDependenceResult:
    d, a = data(cfg.setup.dataset, cfg.setup.seed), len(cfg.activations)
    acc = np.stack([st.accuracy(d.x_test, d.y_test) for st in stacks]).reshape(2, a, len(cfg.inits))
    div = [tuple(st.diverged_at) for st in stacks]
    return InitDependenceResult(cfg, acc, tuple(tuple(div[k * a:(k + 1) * a]) for k in range(2)), steps)


def claims(r: InitDependenceResult) -> list[str]:
    """What the heatmaps show, read from the result: how many cells each net trains, and the worst of each."""
    c, out = r.config, []
    n = len(c.inits) * len(c.activations)
    plain, bn = int(r.trained("none").sum()), int(r.trained("batch").sum())
    out.append(f"**The plain net trains in {plain} of {n} cells, its batch-norm twin in {bn}** (held-out accuracy "
               f"of {TRAINED:.0%} or more after {r.steps_done} steps at lr {c.setup.lr:g}).")
    lost = [(a, i) for a in c.activations for i in c.inits
            if not trained(r.cell("none", a, i)) and trained(r.cell("batch", a, i))]
    if lost:
        cells = ", ".join(f"{i} with {a} ({_pct(r.cell('none', a, i))} → {_pct(r.cell('batch', a, i))})"
                          for a, i in lost[:6])
        out.append(f"Batch norm rescues {len(lost)}: {cells}{', …' if len(lost) > 6 else ''}.")
    worse = [(a, i) for a in c.activations for i in c.inits
             if trained(r.cell("none", a, i)) and not trained(r.cell("batch", a, i))]
    if worse:
        out.append("Only the plain net trains at " + ", ".join(f"{i} with {a}" for a, i in worse) + ".")
    div = [f"{NAMES[k]}, {c.inits[i]} with {c.activations[a]}: diverged at step {r.diverged_at[k][a][i]}"
           for k in range(2) for a in range(len(c.activations)) for i in range(len(c.inits))
           if r.diverged_at[k][a][i] is not None]
    if div:
        out.append("Loss not finite, no accuracy: " + "; ".join(div) + ".")
    return out


NAMES = ("plain", "batch norm")


def _pct(a: float) -> str:
    return "diverged" if not np.isfinite(a) else f"{a:.0%}"
