"""Promise 2, less care about initialization: accuracy per initialization x activation, plain vs BN, as a job."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from core.bn_promises.common import TRAINED
from core.bn_promises.init_dependence import (
    ACTS,
    DEFAULT,
    InitDependenceConfig,
    claims,
    cost,
    init_dependence,
    untrained,
)
from core.networks import ACTIVATIONS, INITS
from views.histograms.promises import runner
from views.ui import frame, widgets
from viz.bn_promises import init_heatmaps

NAME = "init"
INTRO = (
    "Batch norm promises that we can **be less careful about initialization** (Ioffe & Szegedy, 2015, §3.3): each "
    "layer's input is renormalized whatever the scale of the weights before it. Weights 100 times too small "
    "(`normal_0.01`) shrink the signal and the gradient at every layer; weights too large (`normal_1`) start "
    "sigmoid and tanh units saturated and ReLU activations huge. Which plain nets still train is what the left "
    "map shows. Each cell trains a plain net (3 layers of 100 units on the digits, plain SGD, batches of "
    "60) and its batch-norm twin from the same initial weights on the same batches; left the plain nets, right "
    f"their twins. A cell *trains* when its test accuracy reaches {TRAINED:.0%}.")
LRS = (0.05, 0.1, 0.2, 0.5, 1.0)
STEPS = (50, 1000, 50)  # the steps slider: min, max, step


def config(shown: bool = True) -> InitDependenceConfig:
    """The experiment's URL-bound controls -> its frozen config (seed from the sidebar); ``shown``: its tab is
    open (a closed one draws them in no columns)."""
    s = DEFAULT
    cols = widgets.row(2, shown)
    with cols[0]:
        lr = widgets.select_slider("Learning rate", LRS, s.lr, key="initd_lr", help="Plain SGD, the same for all.")
    with cols[1]:
        steps = widgets.slider("Steps per run", *STEPS[:2], s.steps, STEPS[2], key="initd_steps",
                               help="SGD steps every net takes (the same batches for all).")
    inits = widgets.pills("Initializations", list(INITS), list(INITS), key="initd_inits",
                          help="; ".join(f"{k}: {v}" for k, v in INITS.items()))
    acts = widgets.pills("Activations", list(ACTIVATIONS), list(ACTS), key="initd_acts")
    # The grid keeps the registries' order whatever order the pills were clicked in.
    return InitDependenceConfig(setup=replace(s, lr=float(lr), steps=int(steps), seed=frame.seed()),
                                inits=tuple(i for i in INITS if i in inits),
                                activations=tuple(a for a in ACTIVATIONS if a in acts))


def seconds(cfg: InitDependenceConfig) -> float:
    """The experiment's seconds on a free core: its own steps timed once per process per shape."""
    s = cfg.setup
    key = f"promise-init {cfg.inits} {cfg.activations} {s.depth} {s.width} {s.batch_size}"
    return runner.once(key, lambda: cost(cfg)).seconds(s.steps)


def show() -> None:
    """Controls, Run with its promise, the live heatmaps while it trains, then the heatmaps and what they show."""
    body(config())


def body(cfg: InitDependenceConfig) -> None:
    """Run with its promise, the live heatmaps while it trains, then the heatmaps and what they show."""
    if not cfg.inits or not cfg.activations:
        st.warning("Pick at least one initialization and one activation.", icon=":material/warning:")
        return
    nets = 2 * len(cfg.inits) * len(cfg.activations)
    result = runner.run(NAME, cfg, init_dependence, seconds=seconds(cfg), label="Initialization dependence",
                        what=f"{nets} networks × {cfg.setup.steps} steps",
                        nearest=lambda: runner.nearest(cfg, STEPS, seconds, "Steps per run",
                                                       "fewer initializations or activations"),
                        live=runner.live(cfg, untrained, init_heatmaps, "promise_init_live"))
    if result is not None:
        runner.draw(result, claims(result), init_heatmaps(result), "promise_init_chart")
