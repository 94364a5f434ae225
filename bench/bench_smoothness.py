"""Smoothness measurements (Santurkar et al., Fig. 4) vs the plain lockstep training they ride on.

The cost model (``core.smoothness.passes``) says a record costs ``probes + 0.5`` forward+backward passes per net;
the row checks that measuring costs no more than that model predicts on top of training (no hidden overhead:
copies of the weights, float64 norms, the running statistics saved and restored).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from bench.harness import Benchmark
from core.bn_twins import Batches, split_of, twins
from core.smoothness import SmoothnessConfig, passes, smoothness

torch.set_num_threads(1)  # as app.py sets it for every page
CFG = SmoothnessConfig()  # the tab's default: 3 x 100 ReLU twins, 300 steps, 30 records of 8 step sizes
MODEL = passes(CFG) / (2 * CFG.steps)  # the cost model's ratio: measured training / training alone


def _train_only() -> None:
    """The same twins, batches and SGD updates, without any probe."""
    split = split_of(CFG.net)
    nets = twins(CFG.net, split, ("none", "batch"))
    opts = [torch.optim.SGD(n.parameters(), lr=CFG.net.lr) for n in nets]
    xs, ys = torch.from_numpy(split.x_train), torch.from_numpy(split.y_train)
    batches = Batches(len(xs), CFG.net.batch_size, CFG.net.seed)
    for _ in range(CFG.steps):
        idx = batches.next()
        for net, opt in zip(nets, opts, strict=True):
            loss = F.cross_entropy(net(xs[idx]), ys[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()


BENCHMARKS = [
    Benchmark(f"smoothness probes ({len(CFG.record_steps)} records x {CFG.probes} step sizes, 2 nets, "
              f"{CFG.steps} steps) vs the same training without probes",
              lambda: smoothness(CFG), _train_only,
              f"<= 1.3 x the cost model's {MODEL:.2f}x training alone", lambda r: r >= 1 / (1.3 * MODEL), repeat=3),
]
