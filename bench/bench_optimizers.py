"""Optimizer engine: the default race vs torch.optim with autograd, and a 64x64 sweep vs one run."""

import numpy as np
import torch

from bench.harness import Benchmark
from core.optimizers import OPTIMIZERS, run, run_batch, sweep
from core.surfaces import SURFACES

COURSE = ["sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam"]
BEALE = SURFACES["beale"]
START = (1.0, 1.5)
CONFIGS = [(name, {"lr": 1.0 if name == "adadelta" else 1e-3}) for name in COURSE]


def _torch_race(steps: int = 1000) -> None:
    """The usual way: one torch.optim instance per optimizer, autograd at every step."""
    for name, hyper in CONFIGS:
        p = torch.tensor(START, dtype=torch.float64, requires_grad=True)
        opt = OPTIMIZERS[name].make_torch([p], **hyper)
        for _ in range(steps):
            opt.zero_grad()
            BEALE.torch_value(p).backward()
            opt.step()


GRID = dict(x=("lr", np.geomspace(1e-4, 1e-1, 64)), y=("momentum", np.linspace(0.0, 0.99, 64)))

BENCHMARKS = [
    Benchmark("default race: 7 optimizers x 1000 steps on Beale (engine vs torch.optim + autograd)",
              ours=lambda: run_batch(CONFIGS, BEALE, START, 1000), baseline=_torch_race,
              target="engine >= 50x faster", check=lambda r: r >= 50, repeat=3),
    Benchmark("sweep 64x64 x 500 steps (ours) vs one run of 500 steps (baseline)",
              ours=lambda: sweep("momentum", BEALE, START, 500, **GRID),
              baseline=lambda: run("momentum", BEALE, START, 500, lr=1e-3),
              target="sweep <= 20x one run", check=lambda r: 1 / r <= 20, repeat=3),
]
