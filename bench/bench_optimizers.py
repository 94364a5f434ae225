"""Optimizer engine: the default race vs torch.optim with autograd, and a 64x64 sweep vs one run.

The race baseline is the usual way (one torch.optim instance per optimizer, autograd at every step, float64);
it takes several seconds, hence repeat=1 (one warm-up call and one timed call of each side).
"""

import numpy as np
import torch

from bench.harness import Benchmark
from core.optim.fair_race import lr_sensitivity
from core.optim.presets import LR_GRID
from core.optim.registry import OPTIMIZERS
from core.optim.run import run, run_batch
from core.optim.sweep import sweep
from core.surfaces.registry import SURFACES

COURSE = ["sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam"]
BEALE = SURFACES["beale"]
START = BEALE.starts[0]
STEPS = 1000
CONFIGS = [(name, {"lr": 1.0 if name == "adadelta" else 1e-3}) for name in COURSE]


def _engine_race() -> None:
    trajs = run_batch(CONFIGS, BEALE, START, STEPS)
    assert all(t.diverged_at is None for t in trajs)  # a race that stopped early would flatter the engine


def _torch_race() -> None:
    """The usual way: one torch.optim instance per optimizer, autograd at every step."""
    for name, hyper in CONFIGS:
        p = torch.tensor(START, dtype=torch.float64, requires_grad=True)
        opt = OPTIMIZERS[name].make_torch([p], **hyper)
        for _ in range(STEPS):
            opt.zero_grad()
            BEALE.torch_value(p).backward()
            opt.step()


def _noise_bundle() -> None:
    """The page's noise view: every optimizer with 8 noise seeds (56 runs), one batch, faint bundle + bold path."""
    trajs = run_batch(CONFIGS, BEALE, START, STEPS, noise=("additive", 1.0), seed=0, paths=8)
    assert len(trajs) == 56 and all(t.diverged_at is None for t in trajs)


SWEEP_GRID = {"x": ("lr", np.geomspace(1e-4, 1e-1, 64)), "y": ("momentum", np.linspace(0.0, 0.99, 64))}


def _fair_race() -> None:
    """The page's fair race: every course optimizer at each of the 19 grid lrs, one batch of 133 runs."""
    race = lr_sensitivity([(name, {}) for name in COURSE], BEALE, START, STEPS)
    assert race.final.shape == (len(COURSE), len(LR_GRID))

BENCHMARKS = [
    Benchmark("default race: 7 optimizers x 1000 steps on Beale (engine vs torch.optim + autograd)",
              ours=_engine_race, baseline=_torch_race, target="engine >= 50x faster", check=lambda r: r >= 50,
              repeat=1),
    Benchmark("noise bundle: 7 optimizers x 8 seeds x 1000 steps (ours) vs the plain 7 x 1000 race (baseline)",
              ours=_noise_bundle, baseline=_engine_race, target="bundle <= 3x the plain race",
              check=lambda r: 1 / r <= 3, repeat=3),
    Benchmark("sweep 64x64 x 500 steps (ours) vs one run of 500 steps (baseline)",
              ours=lambda: sweep("momentum", BEALE, START, 500, **SWEEP_GRID),
              baseline=lambda: run("momentum", BEALE, START, 500, lr=1e-3),
              target="sweep <= 20x one run", check=lambda r: 1 / r <= 20, repeat=3),
    Benchmark(f"fair race: 7 optimizers x {len(LR_GRID)} lrs x 1000 steps (ours) vs the plain 7 x 1000 race (baseline)",
              ours=_fair_race, baseline=_engine_race, target="fair-race sweep <= 5x the plain race",
              check=lambda r: 1 / r <= 5, repeat=3),
]
