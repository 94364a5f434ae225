"""Regularization timings: training a K-member ensemble vs one net for the same number of steps each (the issue
asks for the ensemble's cost next to plain training), and the gradient check (analytic + 2P forward passes) vs
one autograd backward of the same net."""

from __future__ import annotations

import numpy as np
import torch

from bench.harness import Benchmark
from core.ensembles import EnsembleConfig, train_ensemble, train_member
from core.gradcheck import analytic_grad, check, make_problem

torch.set_num_threads(1)  # as app.py sets it for every page
CFG = EnsembleConfig(k=5, seed=0)  # the page's default ensemble
PROB = make_problem(0)


def _check_h_sweep() -> None:
    for h in np.logspace(-12, 0, 25):
        check(PROB, "none", float(h))


BENCHMARKS = [
    Benchmark(f"ensemble of {CFG.k} nets vs one net, same steps each ({CFG.epochs} epochs on {CFG.n_train} digits)",
              lambda: train_ensemble(CFG), lambda: train_member(CFG, 0),
              f"<= 1.2 x {CFG.k} x one net (K x the cost, no hidden overhead)", lambda r: r >= 1 / (1.2 * CFG.k),
              repeat=3),
    Benchmark("gradient check at 25 steps h (2P=86 batched forwards each) vs 25 analytic backwards",
              _check_h_sweep, lambda: [analytic_grad(PROB) for _ in range(25)],
              "<= 5x the analytic gradients (finite differences batched)", lambda r: r >= 0.2, repeat=5),
]
