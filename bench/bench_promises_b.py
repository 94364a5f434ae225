"""Promises 3 and 4 on their default presets vs the same nets trained one by one in a plain torch loop.

The issue asks that the experiments' machinery (lockstep over the variants, progress ticks, the records each
chart needs) cost at most 1.2x what training the same nets alone costs. The baselines train each net by itself on
the same batches with torch.optim.SGD and measure what a student would (accuracies every ``every`` steps; the
eval-mode outputs every ``every`` steps for the twins); ours adds the rest (for the bias: the per-step bias
gradients, the sums of the terms they add up and the twins' output differences).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from bench.harness import Benchmark
from core.bn_promises.bias import BiasConfig, bias_redundancy, twin_nets
from core.bn_promises.common import batch_order, data
from core.bn_promises.regularization import RegularizationConfig, regularization_gap, variant_nets

torch.set_num_threads(1)  # as app.py sets it for every page
REG, BIAS = RegularizationConfig(), BiasConfig()


def _reg_one_by_one() -> list[list[float]]:
    s, d = REG.setup, data(REG.setup.dataset, REG.setup.seed)
    x, y = d.x_train[:REG.n_train], d.y_train[:REG.n_train]
    order = torch.from_numpy(batch_order(REG.n_train, s.batch_size, s.steps, s.seed))
    out = []
    for net in variant_nets(REG, d):
        opt = torch.optim.SGD(net.parameters(), lr=s.lr)
        for t in range(s.steps + 1):
            if t % REG.every == 0 or t == s.steps:
                net.eval()
                with torch.no_grad():
                    out.append([float((net(a).argmax(1) == b).double().mean()) for a, b in
                                ((x, y), (d.x_test, d.y_test))])
                net.train()
            if t == s.steps:
                break
            loss = F.cross_entropy(net(x[order[t]]), y[order[t]])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return out


def _bias_one_by_one() -> list[float]:
    s, d = BIAS.setup, data(BIAS.setup.dataset, BIAS.setup.seed)
    x, y, xt = d.x_train.double(), d.y_train, d.x_test.double()
    order = torch.from_numpy(batch_order(len(x), s.batch_size, s.steps, s.seed))
    out = []
    for net in twin_nets(BIAS):
        opt = torch.optim.SGD(net.parameters(), lr=s.lr)
        for t in range(s.steps):
            if t % BIAS.every == 0:
                net.eval()
                with torch.no_grad():
                    out.append(float(net(xt).abs().max()))
                net.train()
            loss = F.cross_entropy(net(x[order[t]]), y[order[t]])
            opt.zero_grad()
            loss.backward()
            opt.step()
            out.append(loss.item())
    return out


BENCHMARKS = [
    Benchmark(f"BN as a regularizer: 4 variants x {REG.setup.steps} steps on {REG.n_train} digits vs the 4 nets "
              "one by one", lambda: regularization_gap(REG), _reg_one_by_one,
              "<= 1.2x the nets one by one", lambda r: r >= 1 / 1.2, repeat=3),
    Benchmark(f"redundant bias: 2 float64 twins x {BIAS.setup.steps} steps with per-step records vs the 2 nets "
              "one by one", lambda: bias_redundancy(BIAS), _bias_one_by_one,
              "<= 1.2x the nets one by one", lambda r: r >= 1 / 1.2, repeat=3),
]
