"""Final accuracy after a fixed number of steps vs batch size, for batch norm, group norm and none.

A miniature of Figure 1 of the Group Normalization paper (Wu & He, 2018): batch norm's error grows as the batch
shrinks, group norm does not care. Batch norm is evaluated two ways: with its running statistics (eval mode,
what deployment uses) and with the statistics of test batches of the training batch size.
"""

from __future__ import annotations

from collections.abc import Callable
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
    """All cells of the sweep, in (norm, batch size) order."""

    config: BatchSizeConfig
    cells: tuple[Cell, ...]

    def curve(self, norm: str, kind: str = "running") -> np.ndarray:
        """Accuracies (len(batch_sizes),) of ``norm`` in the config's batch-size order (nan if diverged)."""
        by = {(c.norm, c.batch_size): c for c in self.cells}
        return np.array([getattr(by[(norm, b)], f"accuracy_{kind}") for b in self.config.batch_sizes])


def run_cell(cfg: BatchSizeConfig, norm: str, batch_size: int) -> Cell:
    """Train one net with ``norm`` and ``batch_size`` for ``cfg.steps`` steps and evaluate it."""
    split = load(cfg.dataset, seed=cfg.seed)
    check_batch(batch_size, len(split.x_train), norm)
    spec = NetSpec(split.n_features, split.n_classes, cfg.depth, cfg.width, cfg.activation, cfg.init, norm)
    net = build(spec, cfg.seed)  # same seed: every cell starts from the same weights
    opt = OPTIMIZERS[cfg.optimizer].make_torch(net.parameters(), lr=cfg.lr)
    x, y = torch.from_numpy(split.x_train), torch.from_numpy(split.y_train)
    rng = np.random.default_rng([cfg.seed, batch_size])
    losses, diverged = [], None
    for step in range(cfg.steps):
        idx = torch.from_numpy(rng.choice(len(x), batch_size, replace=False))
        loss = F.cross_entropy(net(x[idx]), y[idx])
        if not torch.isfinite(loss):
            diverged = step + 1
            break
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    xt, yt = torch.from_numpy(split.x_test), torch.from_numpy(split.y_test)
    if diverged:
        return Cell(norm, batch_size, float("nan"), float("nan"), float("nan"), diverged)
    tail = losses[-max(1, len(losses) // 10):]
    return Cell(norm, batch_size, accuracy(net, xt, yt), accuracy(net, xt, yt, batch_stats=batch_size),
                float(np.mean(tail)), None)


def batch_size_experiment(cfg: BatchSizeConfig, progress: Callable[[int, int], None] | None = None
                          ) -> BatchSizeResult:
    """Every (norm, batch size) cell; ``progress(done, total)`` is called after each one."""
    if not 1 <= cfg.steps <= 5000:
        raise ValueError(f"Steps must be between 1 and 5000, got {cfg.steps}.")
    jobs = [(n, b) for n in cfg.norms for b in cfg.batch_sizes]
    cells = []
    for i, (norm, b) in enumerate(jobs):
        cells.append(run_cell(cfg, norm, b))
        if progress is not None:
            progress(i + 1, len(jobs))
    return BatchSizeResult(cfg, tuple(cells))
