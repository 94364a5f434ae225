"""Training dynamics: the range test and the multi-lr curves next to plain training of as many steps; the descent tab.

The baseline is the textbook torch loop (same net, same optimizer, same mini-batch size, no recording, no lr
setting per step), so the ratio is the bookkeeping the page adds on top of the training it cannot avoid.
"""

import plotly.io as pio
import torch
import torch.nn.functional as F

from bench.harness import Benchmark
from core.datasets import load
from core.linear_regression import gd_variants, make_data
from core.lr_range import LR_PRESETS, LRConfig, batches, lr_curves, range_test
from core.networks import NetSpec, build
from viz.gd_variants import data_fit, gd_contour, gd_losses
from viz.lr_curves import loss_curves, range_plot

torch.set_num_threads(1)  # as app.py sets it for every page
CFG = LRConfig()  # the page's default: SGD, batch 64, 2 x 64 ReLU on the digits
STEPS = 300
LRS = {**LR_PRESETS["sgd"], "yours": 0.05}
RANGE_STEPS = len(range_test(CFG).lrs)  # the default test stops when the loss blows up (98 of 100 batches)
_SPLIT = load("digits", seed=0)
# Steps the curves really train: a run stops where it diverges (SGD's "very high" lr at step 2).
CURVE_STEPS = sum(c.diverged_at or STEPS for c in lr_curves(CFG, LRS, STEPS).values())


def plain_training(steps: int, lr: float = 0.05) -> float:
    """The baseline: a fresh net trained ``steps`` mini-batches by the shortest torch loop."""
    x, y = torch.from_numpy(_SPLIT.x_train), torch.from_numpy(_SPLIT.y_train)
    net = build(NetSpec(_SPLIT.n_features, _SPLIT.n_classes, CFG.depth, CFG.width, "relu", "he"), 0)
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    stream = batches(x, y, CFG.batch_size, 0)  # the same shuffled batches, so only the loop around them differs
    for _ in range(steps):
        xb, yb = next(stream)
        loss = F.cross_entropy(net(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss.item()


def _range_view() -> None:
    pio.to_json(range_plot(range_test(CFG), "steepest", LR_PRESETS["sgd"]), validate=False)


def _curves_view() -> None:
    pio.to_json(loss_curves(lr_curves(CFG, LRS, STEPS)), validate=False)


def _descent_view() -> None:
    """What the descent tab computes and draws for its default settings (uncached)."""
    data = make_data(100, 0.5, 0)
    run = gd_variants(data, 10, "sgd", (-1.0, 3.0), 100, 0, lr=0.1)
    ws, bs, z = data.grid(data.box((-1.0, 3.0)))
    for fig in (gd_contour(ws, bs, z, run, data.minimum, (-1.0, 3.0)),
                gd_losses(run, float(data.value(data.minimum))), data_fit(data, run)):
        pio.to_json(fig, validate=False)


def _budget(seconds: float):
    import time

    return lambda: time.sleep(seconds)


BENCHMARKS = [
    Benchmark(f"dynamics range test: {RANGE_STEPS} mini-batches + figure (ours) vs plain training of as many steps",
              ours=_range_view, baseline=lambda: plain_training(RANGE_STEPS),
              target="<= 1.5x plain training", check=lambda r: 1 / r <= 1.5, repeat=5),
    Benchmark(f"dynamics lr curves: {len(LRS)} lrs x {STEPS} steps ({CURVE_STEPS} trained) + figure (ours) vs plain "
              f"training of {CURVE_STEPS} steps",
              ours=_curves_view, baseline=lambda: plain_training(CURVE_STEPS),
              target="<= 1.3x plain training", check=lambda r: 1 / r <= 1.3, repeat=3),
    Benchmark("dynamics descent tab: 3 variants x 100 steps + 3 figures (ours) vs a 150 ms budget (baseline)",
              ours=_descent_view, baseline=_budget(0.150), target="< 150 ms", check=lambda r: r >= 1.0, repeat=5),
]
