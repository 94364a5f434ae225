"""Promise 1, learning-rate tolerance: final accuracy vs learning rate for a plain net and its BN twin, as a job."""

from __future__ import annotations

from dataclasses import replace

from core.bn_promises.common import MAX_STEPS, TRAINED
from core.bn_promises.lr_tolerance import DEFAULT, LRS, LrToleranceConfig, claims, cost, lr_tolerance, untrained
from core.networks import ACTIVATIONS, INITS
from views.histograms.promises import runner
from views.ui import frame, widgets
from viz.bn_promises import lr_band_chart

NAME = "lr"
INTRO = (
    "Batch norm promises to **allow much higher learning rates** (Ioffe & Szegedy, 2015, §3.3): a layer's output "
    "no longer grows with the scale of its weights, so a big step neither blows the activations up nor saturates "
    "them. Each learning rate of the grid trains the BN paper's network (3 sigmoid layers of 100 units on the "
    "digits, plain SGD, batches of 60) and its batch-norm twin from the same initial weights on the same batches. "
    f"A rate *trains* a net when its test accuracy reaches {TRAINED:.0%}; the bars under the curves mark each "
    "net's band of neighbouring rates that do.")
STEPS = (100, MAX_STEPS // 2, 100)  # the steps slider: min, max, step


def config(shown: bool = True) -> LrToleranceConfig:
    """The experiment's URL-bound controls -> its frozen config (seed from the sidebar); ``shown``: its tab is
    open (a closed one draws them in no columns)."""
    s = DEFAULT
    cols = widgets.row(3, shown)
    with cols[0]:
        init = widgets.selectbox("Initialization", list(INITS), key="lrt_init", index=list(INITS).index(s.init),
                                 help="; ".join(f"{k}: {v}" for k, v in INITS.items()))
    with cols[1]:
        act = widgets.selectbox("Activation", list(ACTIVATIONS), key="lrt_act",
                                index=list(ACTIVATIONS).index(s.activation))
    with cols[2]:
        steps = widgets.slider("Steps per run", *STEPS[:2], s.steps, STEPS[2], key="lrt_steps",
                               help="SGD steps every net takes (the same batches for all).")
    return LrToleranceConfig(setup=replace(s, init=init, activation=act, steps=int(steps), seed=frame.seed()),
                             lrs=LRS)


def seconds(cfg: LrToleranceConfig) -> float:
    """The experiment's seconds on a free core: its own steps timed once per process per shape."""
    s = cfg.setup
    key = f"promise-lr {len(cfg.lrs)} {s.depth} {s.width} {s.batch_size} {s.activation}"
    return runner.once(key, lambda: cost(cfg)).seconds(s.steps)


def show() -> None:
    """Controls, Run with its promise, the live chart while it trains, then the chart and what it shows."""
    body(config())


def body(cfg: LrToleranceConfig) -> None:
    """Run with its promise, the live chart while it trains, then the chart and what it shows."""
    what = f"{2 * len(cfg.lrs)} networks × {cfg.setup.steps} steps"
    result = runner.run(NAME, cfg, lr_tolerance, seconds=seconds(cfg), label="Learning-rate tolerance", what=what,
                        nearest=lambda: runner.nearest(cfg, STEPS, seconds, "Steps per run", "a quieter moment"),
                        live=runner.live(cfg, untrained, lr_band_chart, "promise_lr_live"))
    if result is not None:
        runner.draw(result, claims(result), lr_band_chart(result), "promise_lr_chart")
