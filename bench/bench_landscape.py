"""Real-net landscape timings: a 41 x 41 filter-normalized slice of the default 3 x 100 MLP's loss on 500 held-out
digits, batched (core.loss_slice) vs loading each grid point's weights into the model for one forward; and the
race of 7 rules x 500 steps in lockstep (core.real_race) vs training one net 7 x 500 steps in a plain loop."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from bench.harness import Benchmark
from core.datasets import load
from core.loss_slice import filter_normalized_direction, flat_params, loss_slice
from core.networks import build
from core.optim.presets import COURSE
from core.optim.registry import OPTIMIZERS
from core.real_race import DEFAULT_LR, net_spec, race_real

torch.set_num_threads(1)  # as app.py sets it for every page
SPLIT = load("digits", seed=0, test_fraction=0.3)  # 540 held-out digits: the first 500 are measured
X, Y = torch.from_numpy(SPLIT.x_test[:500]), torch.from_numpy(SPLIT.y_test[:500])
NET = build(net_spec("mlp"), 0)
D1, D2 = (filter_normalized_direction(NET, torch.Generator().manual_seed(s)) for s in (1, 2))
GRID = np.linspace(-1.0, 1.0, 41)
STEPS = 500


def _slice() -> np.ndarray:
    return loss_slice(NET, (D1, D2), X, Y, GRID, GRID)


@torch.no_grad()
def _naive_slice() -> np.ndarray:
    model, centre, out = build(net_spec("mlp"), 0).eval(), flat_params(NET), np.empty((41, 41))
    for j, b in enumerate(GRID):
        for i, a in enumerate(GRID):
            torch.nn.utils.vector_to_parameters(centre + float(a) * D1 + float(b) * D2, model.parameters())
            out[j, i] = F.cross_entropy(model(X), Y).item()
    return out


def _plain_loop() -> None:
    """One net, one optimizer, a bare loop of 7 x 500 steps on the race's batches (no recording, no evaluation)."""
    net = build(net_spec("mlp"), 0)
    opt = OPTIMIZERS["sgd"].make_torch(net.parameters(), lr=DEFAULT_LR["sgd"])
    x, y = torch.from_numpy(SPLIT.x_train), torch.from_numpy(SPLIT.y_train)
    rng = np.random.default_rng([0, 104729])
    order, cursor = rng.permutation(len(x)), 0
    for _ in range(len(COURSE) * STEPS):
        if cursor + 60 > len(order):
            order, cursor = rng.permutation(len(x)), 0
        idx = torch.from_numpy(order[cursor:cursor + 60])
        cursor += 60
        loss = F.cross_entropy(net(x[idx]), y[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()


BENCHMARKS = [
    Benchmark("41 x 41 filter-normalized slice of the 3 x 100 MLP on 500 held-out digits: batched vs one model "
              "load + forward per point", _slice, _naive_slice, ">= 5x faster", lambda r: r >= 5.0, repeat=3),
    Benchmark(f"race of {len(COURSE)} rules x {STEPS} steps in lockstep (recording weights, test accuracy) vs one "
              f"net trained {len(COURSE)} x {STEPS} steps in a plain loop",
              lambda: race_real(COURSE, steps=STEPS), _plain_loop, "<= 1.5x the plain loop",
              lambda r: r >= 1 / 1.5, repeat=3),
]
