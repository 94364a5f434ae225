"""Final accuracy after a fixed number of steps vs batch size, for batch norm, group norm and none.

A miniature of Figure 1 of the Group Normalization paper (Wu & He, 2018): batch norm's error grows as the batch
shrinks, group norm does not care. Batch norm is evaluated two ways: with its running statistics (eval mode,
what deployment uses) and with the statistics of test batches of the training batch size.

The sweep runs smallest batches first (every norm at batch 2, then at 4, ...), reports its progress every few
steps through ``tick`` (which may raise to cancel it), and stops at ``stop_at`` with the cells it finished: a
sweep cut short still shows the small batches, where the story is.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from core.datasets import load
from core.net_recorder import accuracy
from core.networks import NetSpec, build
from core.optim.registry import OPTIMIZERS
from core.paired_trainer import check_batch

BATCH_SIZES = (2, 4, 8, 16, 32, 64, 128)
NORMS = ("batch", "group", "none")
TICK_STEPS = 10  # steps between two progress reports (and chances to cancel or stop)
EVAL_BATCHES = 16  # test batches between two reports while batch norm is evaluated with batch statistics
NORM_NAMES = {"batch": "batch norm", "group": "group norm", "none": "no norm"}


@dataclass(frozen=True)
class BatchSizeConfig:
    """Everything but the norm and the batch size, which the experiment sweeps."""

    dataset: str = "digits"
    depth: int = 3
    width: int = 64
    activation: str = "relu"
    init: str = "he"
    optimizer: str = "sgd"
    lr: float = 0.05
    steps: int = 200  # the same number of updates for every batch size (so small batches see less data)
    seed: int = 0
    batch_sizes: tuple[int, ...] = BATCH_SIZES
    norms: tuple[str, ...] = NORMS


@dataclass(frozen=True)
class Cell:
    """One trained net: held-out accuracy with running statistics and with batch statistics."""

    norm: str
    batch_size: int
    accuracy_running: float
    accuracy_batch: float
    loss: float  # mean mini-batch loss over the last 10% of steps
    diverged_at: int | None


@dataclass(frozen=True)
class BatchSizeResult:
    """The cells of the sweep, smallest batches first; fewer than ``cells_planned`` when it was stopped early."""

    config: BatchSizeConfig
    cells: tuple[Cell, ...]

    def curve(self, norm: str, kind: str = "running") -> np.ndarray:
        """Accuracies (len(batch_sizes),) of ``norm`` in the config's batch-size order (nan if diverged or not run)."""
        by = {(c.norm, c.batch_size): c for c in self.cells}
        nan = Cell(norm, 0, float("nan"), float("nan"), float("nan"), None)
        return np.array([getattr(by.get((norm, b), nan), f"accuracy_{kind}") for b in self.config.batch_sizes])

    def accuracy(self, norm: str, batch_size: int, kind: str = "running") -> float:
        """Held-out accuracy of one cell (nan if it diverged or was not run)."""
        return float(self.curve(norm, kind)[self.config.batch_sizes.index(batch_size)])

    def drawn(self, norms: tuple[str, ...]) -> list[int]:
        """Batch sizes, smallest first, at which every one of ``norms`` has a point (trained, not diverged)."""
        return [b for b in sorted(self.config.batch_sizes) if all(np.isfinite(self.accuracy(n, b)) for n in norms)]

    @property
    def complete(self) -> bool:
        """Whether every planned cell was trained."""
        return len(self.cells) == len(cell_order(self.config))


def cell_order(cfg: BatchSizeConfig) -> list[tuple[str, int]]:
    """(norm, batch size) of every cell in the order they run: every norm at the smallest batch first."""
    return [(n, b) for b in sorted(cfg.batch_sizes) for n in cfg.norms]


def train_steps(net: torch.nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor,
                batch_size: int, steps: int, rng: np.random.Generator,
                tick: Callable[[int], None] | None = None) -> tuple[list[float], int | None]:
    """``steps`` SGD-style updates on random batches of (x (n, d), y (n,)); losses and the step it diverged at."""
    losses: list[float] = []
    for step in range(steps):
        if tick is not None and step % TICK_STEPS == 0:
            tick(step)
        idx = torch.from_numpy(rng.choice(len(x), batch_size, replace=False))
        loss = F.cross_entropy(net(x[idx]), y[idx])
        if not torch.isfinite(loss):
            return losses, step + 1
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses, None


def run_cell(cfg: BatchSizeConfig, norm: str, batch_size: int, tick: Callable[[int], None] | None = None) -> Cell:
    """Train one net with ``norm`` and ``batch_size`` for ``cfg.steps`` steps and evaluate it.

    ``tick(step)`` is called every ``TICK_STEPS`` steps; an exception it raises stops the cell.
    """
    split = load(cfg.dataset, seed=cfg.seed)
    check_batch(batch_size, len(split.x_train), norm)
    spec = NetSpec(split.n_features, split.n_classes, cfg.depth, cfg.width, cfg.activation, cfg.init, norm)
    net = build(spec, cfg.seed)  # same seed: every cell starts from the same weights
    opt = OPTIMIZERS[cfg.optimizer].make_torch(net.parameters(), lr=cfg.lr)
    x, y = torch.from_numpy(split.x_train), torch.from_numpy(split.y_train)
    rng = np.random.default_rng([cfg.seed, batch_size])
    losses, diverged = train_steps(net, opt, x, y, batch_size, cfg.steps, rng, tick)
    if diverged:
        return Cell(norm, batch_size, float("nan"), float("nan"), float("nan"), diverged)
    xt, yt = torch.from_numpy(split.x_test), torch.from_numpy(split.y_test)
    tail = losses[-max(1, len(losses) // 10):]
    if tick is not None:
        tick(cfg.steps)
    running = accuracy(net, xt, yt)
    # Only batch norm keeps statistics across examples; for the others test batches change nothing.
    batch = _batch_stats_accuracy(net, xt, yt, batch_size, tick, cfg.steps) if norm == "batch" else running
    return Cell(norm, batch_size, running, batch, float(np.mean(tail)), None)


def _batch_stats_accuracy(net, x: torch.Tensor, y: torch.Tensor, batch_size: int,
                          tick: Callable[[int], None] | None, step: int) -> float:
    """``accuracy`` with test batches of ``batch_size``, in groups of EVAL_BATCHES batches with a tick between.

    At batch 2 a wide net's evaluation is hundreds of forward passes (seconds): a deadline or Cancel must reach it.
    """
    rows, correct = batch_size * EVAL_BATCHES, 0
    for i in range(0, len(x), rows):
        if tick is not None and i:
            tick(step)
        n = len(x[i:i + rows])
        correct += round(accuracy(net, x[i:i + rows], y[i:i + rows], batch_stats=batch_size) * n)
    return correct / len(x)


class _Stop(Exception):
    """The sweep's deadline passed inside a cell: that cell is dropped."""


def _ticker(tick, stop_at: float | None, start: float, share: float, steps: int, text: str,
            pace: dict) -> Callable[[int], None]:
    """A cell's ``tick(step)``: report the sweep's fraction ``start + share * done``, and stop when the next tick
    would end past the deadline (the last interval between two ticks, kept in ``pace``, predicts it: under load
    ticks slow down, and the stop comes earlier)."""
    last = [None]

    def step_tick(step: int) -> None:
        now = time.monotonic()
        if last[0] is not None:
            pace["interval"] = now - last[0]
        last[0] = now
        if stop_at is not None and now + pace.get("interval", 0.0) > stop_at:
            raise _Stop
        if tick is not None:
            tick(start + share * step / steps, text)
    return step_tick


def batch_size_experiment(cfg: BatchSizeConfig, progress: Callable[[int, int], None] | None = None, *,
                          tick: Callable[[float, str], None] | None = None, stop_at: float | None = None,
                          weights: Mapping[tuple[str, int], float] | None = None) -> BatchSizeResult:
    """Every (norm, batch size) cell, smallest batches first; ``progress(done, total)`` after each one.

    ``tick(fraction, text)`` reports every few steps (the fraction weighs each cell by ``weights``, e.g. its
    estimated seconds; equal by default) and may raise to cancel. Before ``time.monotonic()`` passes ``stop_at``
    the sweep stops and returns the cells finished so far (``result.complete`` is False).
    """
    if not 1 <= cfg.steps <= 5000:
        raise ValueError(f"Steps must be between 1 and 5000, got {cfg.steps}.")
    order = cell_order(cfg)
    w = np.array([float(weights[c]) if weights else 1.0 for c in order])
    share = w / (w.sum() or 1.0)
    cells, pace = [], {}
    for i, (norm, b) in enumerate(order):
        text = f"{NORM_NAMES.get(norm, norm)}, batch {b} ({i + 1}/{len(order)})"
        step_tick = _ticker(tick, stop_at, share[:i].sum(), share[i], cfg.steps, text, pace)
        try:
            cells.append(run_cell(cfg, norm, b, step_tick))
        except _Stop:
            break
        if progress is not None:
            progress(i + 1, len(order))
    return BatchSizeResult(cfg, tuple(cells))
