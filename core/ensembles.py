"""Model ensembles: K networks differing only in their seed (init, batch order, dropout masks), predictions
averaged as probabilities (n_val, n_classes) over the K members.

``train_members`` trains them in order and stops at a ``time.monotonic()`` deadline with the members it finished
(a member cut short is dropped, not kept half-trained), so a page can promise a time and keep it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.datasets import load
from core.networks import NetSpec, build
from core.train_loop import TrainData, TrainSettings, predict_proba, train

__all__ = ["EnsembleConfig", "Member", "EnsembleResult", "EnsembleRun", "member_seed", "train_member",
           "train_members", "combine", "result_of", "train_ensemble"]

K_RANGE = (2, 12)


@dataclass(frozen=True)
class EnsembleConfig:
    """The members' shared recipe; only the member seed differs between them."""

    k: int = 5
    n_train: int = 300  # a small training subset leaves room for the members to disagree
    width: int = 64
    depth: int = 2
    activation: str = "relu"
    dropout: float = 0.0
    epochs: int = 20
    lr: float = 1e-3
    batch_size: int = 32
    seed: int = 0

    def validate(self) -> None:
        """ValueError with a sentence for an unusable ensemble."""
        if not (isinstance(self.k, int) and K_RANGE[0] <= self.k <= K_RANGE[1]):
            raise ValueError(f"The ensemble needs {K_RANGE[0]} to {K_RANGE[1]} members, got {self.k}.")


@dataclass(frozen=True)
class Member:
    """One trained member: validation probabilities (n_val, n_classes) and its optimizer steps."""

    probs: np.ndarray
    steps: int
    diverged_at: int | None


@dataclass(frozen=True)
class EnsembleResult:
    """Accuracies on the validation rows: each member (K,), the average of members 1..k (K,), and the gains."""

    member_acc: np.ndarray
    first_k_acc: np.ndarray  # [i] = accuracy of the averaged probabilities of members 0..i
    ensemble_acc: float
    gain_vs_mean: float  # ensemble minus the mean single net, in accuracy (0..1)
    gain_vs_best: float  # ensemble minus the best single net
    steps: int  # optimizer steps summed over the members


def member_seed(seed: int, i: int) -> int:
    """An independent 31-bit seed for member i of the ensemble seeded ``seed``."""
    return int(np.random.SeedSequence([int(seed), int(i)]).generate_state(1)[0] >> 1)


def _data(cfg: EnsembleConfig) -> TrainData:
    return TrainData.from_split(load("digits", seed=cfg.seed), cfg.n_train)  # one split for every member


def train_member(cfg: EnsembleConfig, i: int, *, stop_at: float | None = None) -> Member | None:
    """Train member i (its own init, batch order and dropout masks) and predict the validation rows; None if it
    stopped before an epoch that would end past ``stop_at``."""
    data = _data(cfg)
    s = member_seed(cfg.seed, i)
    net = build(NetSpec(data.n_features, data.n_classes, cfg.depth, cfg.width, cfg.activation, "he",
                        dropout=cfg.dropout), s)
    curves = train(net, data, TrainSettings(cfg.epochs, cfg.lr, "adam", cfg.batch_size), s, stop_at=stop_at)
    if not curves.complete:
        return None
    return Member(predict_proba(net, data.x_val), curves.steps, curves.diverged_at)


@dataclass(frozen=True)
class EnsembleRun:
    """The members trained before the deadline, in seed order: all K of ``config.k`` unless it stopped."""

    config: EnsembleConfig
    members: tuple[Member, ...]

    @property
    def complete(self) -> bool:
        """Whether all K members were trained."""
        return len(self.members) == self.config.k


def train_members(cfg: EnsembleConfig, *, member: Callable[..., Member | None] = train_member,
                  tick: Callable[[float, str], None] | None = None, stop_at: float | None = None) -> EnsembleRun:
    """Members 0..K-1 in order from ``member(cfg, i, stop_at=)`` (e.g. a cached train_member); ``tick(fraction,
    text)`` before each (it may raise to cancel). Stops, keeping the members finished, before a member that would
    end past ``stop_at`` (predicted from the slowest so far) or when ``member`` returns None (cut short)."""
    cfg.validate()
    members: list[Member] = []
    slowest = 0.0
    for i in range(cfg.k):
        t0 = time.monotonic()
        if stop_at is not None and t0 + slowest > stop_at:
            break
        if tick is not None:
            tick(i / cfg.k, f"training member {i + 1} of {cfg.k}")
        m = member(cfg, i, stop_at=stop_at)
        if m is None:
            break
        members.append(m)
        slowest = max(slowest, time.monotonic() - t0)
    return EnsembleRun(cfg, tuple(members))


def combine(probs: np.ndarray, y: np.ndarray) -> EnsembleResult:
    """Accuracies of members and of their averaged probabilities; probs (K, n, n_classes), y (n,)."""
    probs = np.asarray(probs, dtype=float)
    ok = np.isfinite(probs).all(-1, keepdims=True)  # (K, n, 1): a diverged member predicts nothing
    member_acc = ((probs.argmax(-1) == y) & ok[..., 0]).mean(-1)
    running = np.cumsum(np.where(ok, probs, 0.0), axis=0)  # the average of the finite members so far
    first_k = ((running.argmax(-1) == y) & (np.cumsum(ok, axis=0)[..., 0] > 0)).mean(-1)
    ens = float(first_k[-1])
    return EnsembleResult(member_acc, first_k, ens, ens - float(member_acc.mean()), ens - float(member_acc.max()),
                          0)


def train_ensemble(cfg: EnsembleConfig, progress: Callable[[int, int], None] | None = None) -> EnsembleResult:
    """Train the K members one after another; ``progress(done, K)`` after each."""
    cfg.validate()
    members = []
    for i in range(cfg.k):
        members.append(train_member(cfg, i))
        if progress is not None:
            progress(i + 1, cfg.k)
    return result_of(cfg, members)


def result_of(cfg: EnsembleConfig, members: list[Member]) -> EnsembleResult:
    """Combine trained members (a diverged member's nan predictions count as wrong and are left out of the
    average)."""
    res = combine(np.stack([m.probs for m in members]), _data(cfg).y_val.numpy())
    return EnsembleResult(res.member_acc, res.first_k_acc, res.ensemble_acc, res.gain_vs_mean, res.gain_vs_best,
                          sum(m.steps for m in members))
