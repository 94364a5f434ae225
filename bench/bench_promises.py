"""Batch norm's promises 1 and 2: the experiment (its nets stacked, core.bn_promises.stacked) vs the same nets
trained one by one in a plain torch loop (torch.optim.SGD on the same batches, evaluated before and after), at
the default presets with fewer steps so the table stays quick. The issue asks for no more than 1.2x the loop."""

from __future__ import annotations

from dataclasses import replace

import torch
import torch.nn.functional as F

from bench.harness import Benchmark
from core.bn_promises.common import batch_order, data
from core.bn_promises.init_dependence import InitDependenceConfig, init_dependence
from core.bn_promises.lr_tolerance import NORMS, LrToleranceConfig, lr_tolerance
from core.networks import build, copy_shared_weights

torch.set_num_threads(1)  # as app.py sets it for every page
STEPS = 150
LR = LrToleranceConfig()
LR = replace(LR, setup=replace(LR.setup, steps=STEPS))
INIT = InitDependenceConfig()
INIT = replace(INIT, setup=replace(INIT.setup, steps=STEPS))


def _loop(nets_lrs, setup) -> list[float]:
    """Each net alone: SGD on the shared batches, held-out accuracy before and after."""
    d = data(setup.dataset, setup.seed)
    order = torch.from_numpy(batch_order(len(d.x_train), setup.batch_size, setup.steps, setup.seed))
    out = []
    for net, lr in nets_lrs:
        opt = torch.optim.SGD(net.parameters(), lr=lr)
        _accuracy(net, d)
        for rows in order:
            loss = F.cross_entropy(net(d.x_train[rows]), d.y_train[rows])
            if not torch.isfinite(loss):
                break
            opt.zero_grad()
            loss.backward()
            opt.step()
        out.append(_accuracy(net, d))
    return out


@torch.no_grad()
def _accuracy(net, d) -> float:
    net.eval()
    acc = float((net(d.x_test).argmax(1) == d.y_test).double().mean())
    net.train()
    return acc


def lr_loop() -> list[float]:
    """The lr experiment's nets (plain and BN twin per rate), one by one."""
    s = LR.setup
    d = data(s.dataset, s.seed)
    plain = build(s.spec(d), s.seed)
    pairs = []
    for norm in NORMS:
        for lr in LR.lrs:
            net = build(s.spec(d, norm), s.seed)
            copy_shared_weights(plain, net)
            pairs.append((net, lr))
    return _loop(pairs, s)


def init_loop() -> list[float]:
    """The init experiment's nets (plain and BN twin per activation and initialization), one by one."""
    s = INIT.setup
    d = data(s.dataset, s.seed)
    pairs = []
    for norm in NORMS:
        for act in INIT.activations:
            for init in INIT.inits:
                plain = build(s.spec(d, activation=act, init=init), s.seed)
                net = build(s.spec(d, norm, activation=act, init=init), s.seed)
                copy_shared_weights(plain, net)
                pairs.append((net, s.lr))
    return _loop(pairs, s)


BENCHMARKS = [
    Benchmark(f"BN promise 1, lr tolerance: {2 * len(LR.lrs)} nets x {STEPS} steps vs a loop over the nets",
              lambda: lr_tolerance(LR), lr_loop, "<= 1.2x the plain loop", lambda r: r >= 1 / 1.2, repeat=3),
    Benchmark(f"BN promise 2, init dependence: {2 * len(INIT.inits) * len(INIT.activations)} nets x {STEPS} steps "
              "vs a loop over the nets", lambda: init_dependence(INIT), init_loop, "<= 1.2x the plain loop",
              lambda r: r >= 1 / 1.2, repeat=3),
]
