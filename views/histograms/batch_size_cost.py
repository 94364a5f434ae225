"""The batch-size experiment's promise: the cost model's seconds on this server, checked against the job budget.

Rates are measured once per process per optimizer (``core.batch_size_cost.measured``: tiny runs, CPU time, best
of three), so the promise follows this machine, the optimizer and the preset. They are what the work costs on a
free core; on a shared server the job also waits for a core, so the estimate is scaled by how busy the machine is
now (views.ui.experiment's ``busy``). The promise is that estimate with a margin (``promise``), and the run stops
at it (views.ui.experiment), so the sweep never takes longer than the page said.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from core.batch_size_cost import Sizes, cell_seconds, experiment_seconds, rates, steps_that_fit
from core.batch_size_experiment import BatchSizeConfig, cell_order
from core.datasets import load
from views.ui import budget
from views.ui.experiment import MARGIN, busy, promise

STEP_GRID = 50  # the Steps per run slider moves by 50 (views/histograms/controls.py)
WIDTHS = (8, 16, 32, 64, 100, 128, 256, 500, 512)  # the sidebar's Width marks


@dataclass(frozen=True)
class Estimate:
    """What the sweep will cost: its cells, the model's seconds, the promise the page makes and keeps."""

    cells: int
    seconds: float
    promise_s: float
    weights: dict  # (norm, batch size) -> estimated seconds of that cell: the progress bar's weights


def sizes(cfg: BatchSizeConfig) -> Sizes:
    """The shape of ``cfg``'s dataset: inputs, classes, test rows."""
    split = load(cfg.dataset, seed=cfg.seed)
    return Sizes(split.n_features, split.n_classes, len(split.y_test))


def estimate(cfg: BatchSizeConfig) -> Estimate:
    """The cost of ``cfg``'s sweep on this server."""
    s, r, slow = sizes(cfg), rates(cfg.optimizer), busy()
    weights = {c: cell_seconds(cfg, *c, s, r) * slow for c in cell_order(cfg)}
    total = sum(weights.values())
    return Estimate(len(weights), total, promise(total), weights)


def nearest(cfg: BatchSizeConfig, est: Estimate) -> str:
    """The nearest setting whose promise fits the job budget: fewer steps, else a narrower, else a shallower net."""
    s, r = sizes(cfg), rates(cfg.optimizer)
    fit_s = (budget.JOB_S - 1.0) / MARGIN / busy()
    steps = steps_that_fit(cfg, s, r, fit_s) // STEP_GRID * STEP_GRID
    if steps >= STEP_GRID:
        return f"**Steps per run** {steps}"
    short = replace(cfg, steps=STEP_GRID)
    for width in sorted((w for w in WIDTHS if w < cfg.width), reverse=True):
        if experiment_seconds(replace(short, width=width), s, r) <= fit_s:
            return f"**Width** {width} with {STEP_GRID} steps per run"
    for depth in range(cfg.depth - 1, 0, -1):
        if experiment_seconds(replace(short, depth=depth), s, r) <= fit_s:
            return f"**Depth** {depth} with {STEP_GRID} steps per run"
    return "the Group Norm paper's setting"
