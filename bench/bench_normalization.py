"""Normalization timings: our NumPy normalize vs torch.nn.functional on (32, 64, 32, 32) float64 (CPU), and the
cube figure at the largest size vs a naive one-Mesh3d-per-cell build of a much smaller cube."""

from __future__ import annotations

import time

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import torch
import torch.nn.functional as F

from bench.harness import Benchmark
from core.normalization import normalize, shared_stats_mask
from viz.cube import BLOCK, CELL, SET, CubePanel, cube_cell, cube_figure, cube_mask

SHAPE = (32, 64, 32, 32)
_rng = np.random.default_rng(0)
X = _rng.normal(size=SHAPE) * 2.0 + 0.5
XT = torch.from_numpy(X)
W, B = _rng.normal(size=SHAPE[1]), _rng.normal(size=SHAPE[1])
WT, BT = torch.from_numpy(W), torch.from_numpy(B)
RMS = torch.nn.RMSNorm(SHAPE[1:], eps=1e-5, dtype=torch.float64)

TORCH = {
    "batch": lambda: F.batch_norm(XT, None, None, WT, BT, training=True, eps=1e-5),
    "layer": lambda: F.layer_norm(XT, SHAPE[1:], eps=1e-5),
    "instance": lambda: F.instance_norm(XT, weight=WT, bias=BT, eps=1e-5),
    "group": lambda: F.group_norm(XT, 8, WT, BT, eps=1e-5),
    "rms": lambda: RMS(XT),
}
OURS = {
    "batch": lambda: normalize(X, "batch", weight=W, bias=B),
    "layer": lambda: normalize(X, "layer"),
    "instance": lambda: normalize(X, "instance", weight=W, bias=B),
    "group": lambda: normalize(X, "group", groups=8, weight=W, bias=B),
    "rms": lambda: normalize(X, "rms"),
}

LARGEST, MODERATE = (16, 64, 16, 16), (4, 8, 4, 4)  # 262,144 and 512 cells
KINDS = ("batch", "layer", "instance", "group")


def cube_payload(shape=LARGEST, index=(5, 40, 7, 3), groups=8) -> str:
    """What the page does when the cell changes: four masks, the figure, and its JSON for the browser."""
    panels = [CubePanel(k, cube_mask(shared_stats_mask(shape, k, index, groups))) for k in KINDS]
    return pio.to_json(cube_figure(panels, cube_cell(index, shape), major_s=shape[3]), validate=False)


def naive_cube_payload(shape=MODERATE, index=(1, 3, 2, 1), groups=2) -> str:
    """The obvious build: one Mesh3d per cell (and per panel), coloured by class."""
    traces = []
    for p, kind in enumerate(KINDS):
        mask = cube_mask(shared_stats_mask(shape, kind, index, groups))
        cell = cube_cell(index, shape)
        for n, c, s in np.ndindex(mask.shape):
            color = CELL if (n, c, s) == cell else SET if mask[n, c, s] else BLOCK
            x, y, z = np.array([0, 0, 1, 1, 0, 0, 1, 1]) + c, np.array([0, 1, 1, 0, 0, 1, 1, 0]) + n, \
                np.array([0, 0, 0, 0, 1, 1, 1, 1]) + s
            traces.append(go.Mesh3d(x=x, y=y, z=z, alphahull=0, color=color, scene=f"scene{p + 1 if p else ''}"))
    return pio.to_json(go.Figure(traces), validate=False)


def _budget() -> None:
    time.sleep(0.2)  # the budget for redrawing the cube after a new cell, server side


BENCHMARKS = [
    *[Benchmark(f"normalize {k} (32,64,32,32) f64 vs torch.nn.functional", OURS[k], TORCH[k], "within 3x of torch",
                lambda r: r >= 1 / 3) for k in OURS],
    Benchmark("cube figure+JSON 16x64x256 (4 panels) vs naive per-cell 4x8x16", cube_payload, naive_cube_payload,
              "faster than per-cell at 1/512 the cells", lambda r: r >= 1.0, repeat=3),
    Benchmark("cube redraw for a new cell (16x64x256) vs the 200 ms budget", cube_payload, _budget,
              "<= 200 ms server side", lambda r: r >= 1.0, repeat=5),
]
