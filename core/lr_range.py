"""Reading the learning rate: loss curves of one network at several lrs, and the exponential lr range test.

>>> cfg = LRConfig(optimizer="sgd", seed=0)
>>> curves = lr_curves(cfg, {"low": 1e-3, "good": 0.1}, steps=100)
>>> test = range_test(cfg, lr_min=1e-5, lr_max=10.0, num_it=100)
>>> test.suggestion("steepest")

The range test (Smith 2017, "Cyclical learning rates", section 3.3; fastai's lr_find) trains once while the lr
grows by a constant factor per mini-batch, records the loss, smooths it with a bias-corrected moving average
(beta 0.98) and stops when the smoothed loss exceeds 4x the best so far.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from core.datasets import load
from core.networks import NetSpec, build
from core.optim.registry import OPTIMIZERS

__all__ = ["LRConfig", "LR_PRESETS", "RULES", "Curve", "RangeTest", "batches", "train_steps", "lr_curve", "lr_curves",
           "range_test", "exponential_lrs", "smooth", "suggest"]

# CS231n's four curves (loss vs epoch: very high, high, good, low), per optimizer, for LRConfig's default net on
# digits; tests/core/test_lr_range.py checks each label still describes its curve.
LR_PRESETS: dict[str, dict[str, float]] = {
    "sgd": {"low": 0.01, "good": 0.5, "high": 1.0, "very high": 10.0},
    "momentum": {"low": 1e-3, "good": 0.1, "high": 0.5, "very high": 1.0},
    "adam": {"low": 1e-4, "good": 1e-2, "high": 0.1, "very high": 1.0},
}
RULES = {
    "steepest": "where the smoothed loss falls fastest per decade of lr",
    "min/10": "a tenth of the lr at the lowest smoothed loss",
}
BETA, STOP_FACTOR = 0.98, 4.0  # fastai's smoothing and range-test stop threshold
# A cross-entropy that overflows can stay finite for a while (huge logits); 10x the first loss (23 for ten
# classes, where guessing costs 2.3) is a run that has blown up, so it counts as diverged there.
DIVERGE_FACTOR = 10.0
SKIP_START = 10  # fastai's skip_start: the first smoothed values average too few batches to have a slope


@dataclass(frozen=True)
class LRConfig:
    """The network and data every curve shares: a small ReLU MLP on the 8x8 digits."""

    optimizer: str = "sgd"  # a key of LR_PRESETS (torch defaults otherwise, e.g. momentum 0.9)
    batch_size: int = 64
    depth: int = 2
    width: int = 64
    seed: int = 0


@dataclass(frozen=True)
class Curve:
    """Mini-batch losses (steps,) of one run, NaN from ``diverged_at`` (the step whose loss was not finite) on."""

    lr: float
    losses: np.ndarray
    smoothed: np.ndarray
    diverged_at: int | None
    steps_per_epoch: int


@dataclass(frozen=True)
class RangeTest:
    """lrs (k,) tried, raw and smoothed losses (k,), and why it stopped (k < num_it when the loss blew up)."""

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    num_it: int
    stop_reason: str  # "" if every mini-batch ran, else what ended the test (a sentence fragment)

    @property
    def stopped_early(self) -> bool:
        """Whether the loss blew up before the last planned mini-batch."""
        return bool(self.stop_reason)

    def suggestion(self, rule: str = "steepest") -> float:
        """The suggested lr under ``rule`` (a key of RULES)."""
        return suggest(self.lrs, self.smoothed, rule)

    def regions(self) -> tuple[float, float]:
        """(lr where the smoothed loss has made 10% of its total fall, lr at its minimum): the boundaries
        between "too low" (nothing happens), "good" (loss falls) and "too high" (loss blows up)."""
        s = self.smoothed
        best = int(np.nanargmin(s))
        falling = np.flatnonzero(s[:best + 1] <= s[0] - 0.1 * (s[0] - s[best]))
        return float(self.lrs[falling[0]]), float(self.lrs[best])


def batches(x: torch.Tensor, y: torch.Tensor, batch_size: int, seed: int) -> Iterator[tuple[torch.Tensor, ...]]:
    """Endless shuffled mini-batches of (x, y), a new order every epoch; the ragged last batch is dropped."""
    n = len(x)
    if not 1 <= batch_size <= n:
        raise ValueError(f"The batch size ({batch_size}) must be between 1 and the {n} training examples.")
    rng = np.random.default_rng([int(seed), 130363])
    while True:
        order = torch.from_numpy(rng.permutation(n))
        for i in range(0, n - batch_size + 1, batch_size):
            idx = order[i:i + batch_size]
            yield x[idx], y[idx]


def train_steps(net: torch.nn.Module, opt: torch.optim.Optimizer, data: Iterator, lrs: np.ndarray,
                stop: Callable[[float], bool] | None = None) -> tuple[np.ndarray, int | None]:
    """One update per lr in lrs (k,) on the next batch of data; losses (k,) NaN from the first diverged one (not
    finite or > DIVERGE_FACTOR x the first loss), whose 1-based step is returned too. ``stop(loss)`` True ends
    the run early (the rest stays NaN)."""
    losses, limit = np.full(len(lrs), np.nan), np.inf
    for k, lr in enumerate(lrs):
        for g in opt.param_groups:
            g["lr"] = float(lr)
        x, y = next(data)
        loss = F.cross_entropy(net(x), y)
        value = loss.item()
        if not value <= limit:  # also catches NaN
            return losses, k + 1
        losses[k] = value
        if k == 0:
            limit = DIVERGE_FACTOR * value
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if stop is not None and stop(value):
            break
    return losses, None


def _setup(cfg: LRConfig, lr: float):
    """Fresh net (same weights for every lr), its optimizer and the batch stream, all from cfg.seed."""
    if cfg.optimizer not in OPTIMIZERS:
        raise ValueError(f"Unknown optimizer {cfg.optimizer!r}; choose one of {', '.join(OPTIMIZERS)}.")
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"The learning rate must be a positive number, got {lr}.")
    split = load("digits", seed=cfg.seed)
    x, y = torch.from_numpy(split.x_train), torch.from_numpy(split.y_train)
    data = batches(x, y, cfg.batch_size, cfg.seed)
    spec = NetSpec(split.n_features, split.n_classes, cfg.depth, cfg.width, "relu", "he")
    net = build(spec, cfg.seed)
    return net, OPTIMIZERS[cfg.optimizer].make_torch(net.parameters(), lr=lr), data, len(x) // cfg.batch_size


def lr_curve(cfg: LRConfig, lr: float, steps: int) -> Curve:
    """Train cfg's network at a constant lr for ``steps`` mini-batches."""
    if not 1 <= steps <= 5000:
        raise ValueError(f"Steps must be between 1 and 5000, got {steps}.")
    net, opt, data, per_epoch = _setup(cfg, lr)
    losses, diverged = train_steps(net, opt, data, np.full(steps, float(lr)))
    return Curve(float(lr), losses, smooth(losses), diverged, per_epoch)


def lr_curves(cfg: LRConfig, lrs: dict[str, float], steps: int,
              progress: Callable[[int, int], None] | None = None) -> dict[str, Curve]:
    """name -> Curve for each lr, all from the same initial weights and the same batches."""
    out = {}
    for i, (name, lr) in enumerate(lrs.items()):
        out[name] = lr_curve(cfg, lr, steps)
        if progress is not None:
            progress(i + 1, len(lrs))
    return out


def exponential_lrs(lr_min: float, lr_max: float, num_it: int) -> np.ndarray:
    """lr_min * (lr_max / lr_min) ** (i / (num_it - 1)) for i < num_it: a constant factor per mini-batch."""
    if not (0 < lr_min < lr_max and np.isfinite(lr_max)):
        raise ValueError(f"The range test needs 0 < lr_min < lr_max, got {lr_min} and {lr_max}.")
    if not 10 <= num_it <= 2000:
        raise ValueError(f"The range test needs between 10 and 2000 mini-batches, got {num_it}.")
    return lr_min * (lr_max / lr_min) ** (np.arange(num_it) / (num_it - 1))


def smooth(losses: np.ndarray, beta: float = BETA) -> np.ndarray:
    """Bias-corrected exponential moving average of losses (k,) (Adam's correction: early values not damped)."""
    out, avg = np.full(len(losses), np.nan), 0.0
    for i, v in enumerate(losses):
        if not np.isfinite(v):
            break
        avg = beta * avg + (1 - beta) * v
        out[i] = avg / (1 - beta ** (i + 1))
    return out


def suggest(lrs: np.ndarray, smoothed: np.ndarray, rule: str = "steepest") -> float:
    """The lr a range test suggests: min/10, or the steepest descent of the smoothed loss over log lr between
    SKIP_START and the minimum (past the minimum the loss is already blowing up); min/10 when the minimum comes
    too early to measure a slope."""
    if rule not in RULES:
        raise ValueError(f"Unknown rule {rule!r}; choose one of {', '.join(RULES)}.")
    ok = np.isfinite(smoothed)
    lr, s = lrs[ok], smoothed[ok]
    best = int(np.argmin(s)) if len(s) else 0
    if rule == "min/10" or best - SKIP_START < 3:
        return float(lr[best] / 10.0) if len(s) else float("nan")
    slope = np.gradient(s[SKIP_START:best + 1], np.log10(lr[SKIP_START:best + 1]))
    return float(lr[SKIP_START + int(np.argmin(slope))])


def range_test(cfg: LRConfig, lr_min: float = 1e-5, lr_max: float = 10.0, num_it: int = 100,
               progress: Callable[[int, int], None] | None = None) -> RangeTest:
    """Train once while the lr grows exponentially per mini-batch; stop once smoothed loss > 4x its best."""
    lrs = exponential_lrs(lr_min, lr_max, num_it)
    net, opt, data, _ = _setup(cfg, lr_min)
    state = {"avg": 0.0, "i": 0, "best": np.inf}

    def stop(loss: float) -> bool:
        state["i"] += 1
        state["avg"] = BETA * state["avg"] + (1 - BETA) * loss
        s = state["avg"] / (1 - BETA ** state["i"])
        state["best"] = min(state["best"], s)
        if progress is not None and state["i"] % 10 == 0:
            progress(state["i"], num_it)
        return s > STOP_FACTOR * state["best"]

    losses, diverged = train_steps(net, opt, data, lrs, stop)
    done = int(np.isfinite(losses).sum())
    reason = ("the loss diverged (not finite or above 10x its first value)" if diverged is not None else
              "the smoothed loss passed 4x its best" if done < num_it else "")
    return RangeTest(lrs[:done], losses[:done], smooth(losses[:done]), num_it, reason)
