"""The tensors an N (batch) tick reaches next: the cube's configs at N - 1 and N + 1, whose charts the browser draws
the moment the thumb moves (views.ui.charts.Ahead), when they are cheap and show the same methods as N does."""

from __future__ import annotations

from dataclasses import replace

from core.feature_maps import MAX_N
from views.normalization import data
from views.normalization.config import CellConfig, CubeConfig
from views.ui import charts

SLIDER = "N"  # the batch slider's widget key (controls.batch_size)
# A neighbour's tensor, its four methods and four figures took ~0.1 s at 16·32·16·16 cells (~60 ms at the default
# 8·16·8·8, ~0.15 s at the largest 16·64·16·16): a larger neighbour is left to its own tick.
MOST_CELLS = 16 * 32 * 16 * 16


def batches(cfg: CubeConfig) -> list[CubeConfig]:
    """``cfg`` at N - 1 and N + 1 (within the slider's range), each computed through the page's caches, so that a
    tick's own run finds them there; a neighbour is left out when it is costly or leaves out other methods than N
    does (a warning would come or go: N = 1 with H·W = 1 has no BatchNorm)."""
    refused = data.methods(cfg)[1].keys()
    near = [replace(cfg, n=n) for n in (cfg.n - 1, cfg.n + 1)
            if 1 <= n <= MAX_N and n * cfg.c * cfg.positions <= MOST_CELLS]
    return [c for c in near if data.problem(c) is None and data.methods(c)[1].keys() == refused]


def cell_at(cell: CellConfig, n: int) -> CellConfig | None:
    """The cell ``controls.cell_config`` gives at batch size ``n`` (C, H, W and the method drawn large unchanged):
    the cell's n clamped to the new range, 0 at N = 1. None at N = 1 itself: no cell-n slider is drawn there, so
    the n the slider takes at N = 2 is not the one on screen."""
    if cell.shape[0] == 1:
        return None
    index = (0 if n == 1 else min(cell.index[0], n - 1), *cell.index[1:])
    return replace(cell, shape=(n, *cell.shape[1:]), index=index)


def cells(cell: CellConfig, near: list[CubeConfig]) -> dict[CubeConfig, CellConfig]:
    """Each neighbour tensor with the cell a tick to it picks (``cell_at``); none from N = 1."""
    return {k: at for k in near if (at := cell_at(cell, k.n)) is not None}


def ahead(at: int, specs: dict[int, dict]) -> charts.Ahead:
    """The N slider's ``Ahead`` at batch size ``at``: ``specs`` maps each neighbour N to its chart's spec."""
    return charts.Ahead(SLIDER, at, specs)
