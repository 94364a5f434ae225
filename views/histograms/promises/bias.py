"""Promise 4, the redundant bias: twins with and without the linear bias before BN train alike, as a job."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import streamlit as st

from core.bn_promises.bias import BIAS_SETUP, EPS64, BiasConfig, BiasResult, bias_redundancy, units
from core.bn_promises.common import MAX_STEPS
from core.networks import ACTIVATIONS
from views.histograms.promises import runner
from views.ui import frame, widgets
from viz.bn_promises_b import bias_figure

NAME = "bias"
INTRO = (
    "Batch norm promises to make **the bias of the layer before it redundant** (Ioffe & Szegedy, 2015, §3.2): "
    "BN subtracts each unit's batch mean, and the mean of Wu + b is mean(Wu) + b, so any bias b cancels in the "
    "forward pass; β, added after the normalization, takes its place. Its gradient is the sum over the batch of "
    "BN's input gradient, (γ/σ)(gᵢ − mean(g) − x̂ᵢ·mean(g·x̂)), which sums to zero because the x̂ᵢ have mean "
    f"zero. Two twins of the BN paper's network ({BIAS_SETUP.depth} layers of {BIAS_SETUP.width} units, BN before "
    "the activation) start from the same weights, one with a bias drawn as torch's `nn.Linear` draws it, one "
    "without, and train on the same batches in **float64**, so \"zero\" can be told from rounding. Plain SGD "
    "(the default) leaves a bias with a zero gradient exactly where it is; with weight decay or Adam it moves, "
    "and still cancels. In eval mode BN uses its running mean instead, which learns the bias only gradually "
    "(0.1 of the way per step).")
OPTIMIZERS = {"sgd": "SGD", "momentum": "SGD + momentum 0.9", "adam": "Adam"}  # labels are link values
LRS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 3.0)
DECAYS = (0.0, 1e-4, 1e-3, 1e-2)
STEPS = (50, 1000, 50)  # the steps slider: min, max, step
COINCIDE = 1e-12  # curves "coincide" when every loss differs by less than this share of the loss (12 digits)


def config(shown: bool = True) -> BiasConfig:
    """The experiment's URL-bound controls -> its frozen config (seed from the sidebar); ``shown``: its tab is
    open (a closed one draws them in no columns)."""
    s, cols = BIAS_SETUP, widgets.row(5, shown)
    with cols[0]:
        act = widgets.selectbox("Activation", list(ACTIVATIONS), key="bias_act",
                                index=list(ACTIVATIONS).index(s.activation))
    with cols[1]:
        opt = widgets.selectbox("Optimizer", list(OPTIMIZERS), key="bias_opt", format_func=OPTIMIZERS.get)
    with cols[2]:
        lr = widgets.select_slider("Learning rate", LRS, s.lr, key="bias_lr")
    with cols[3]:
        wd = widgets.select_slider("Weight decay", DECAYS, 0.0, key="bias_wd", format_func=lambda v: f"{v:g}",
                                   help="L2 penalty: it pulls the bias toward 0 although its gradient is zero.")
    with cols[4]:
        steps = widgets.slider("Steps", *STEPS[:2], s.steps, STEPS[2], key="bias_steps")
    setup = replace(s, activation=act, lr=lr, steps=min(int(steps), MAX_STEPS), seed=frame.seed())
    return BiasConfig(setup=setup, optimizer=opt, weight_decay=wd)


def seconds(cfg: BiasConfig) -> float:
    """The experiment's seconds on a free core: a few of its own steps timed once per process per shape."""
    s = cfg.setup
    probe = replace(cfg, setup=replace(s, steps=30))
    rate = runner.timed(f"promise-bias {s.depth} {s.width} {s.batch_size} {cfg.optimizer}",
                        lambda: (bias_redundancy(probe), units(probe))[1])
    return rate * units(cfg)


def show() -> None:
    """Controls, Run with its promise and progress, then the chart and what it shows."""
    body(config())


def body(cfg: BiasConfig) -> None:
    """Run with its promise, then the last result's chart and claims."""
    what = f"2 float64 networks × {cfg.setup.steps} steps"
    result = runner.run(NAME, cfg, bias_redundancy, seconds=seconds(cfg), label="The redundant bias", what=what,
                        nearest=lambda: runner.nearest(cfg, STEPS, seconds, "Steps", "a quieter moment"))
    if result is None:
        return
    runner.draw(result, claims(result), bias_figure(result), "promise_bias_chart")
    if result.diverged_at is not None:  # a run that diverged is complete: no "stopped" caption above
        st.warning(frame.diverged("Both twins", result.diverged_at) + " (the curves end there). Lower the "
                   "learning rate.")


def coincide(result: BiasResult) -> bool:
    """Whether the two loss curves agree to ``COINCIDE`` of the loss at every recorded step."""
    scale = np.maximum(np.abs(result.loss_without), 1e-300)
    return bool(len(scale) and np.all(result.loss_diff <= COINCIDE * scale))


def claims(result: BiasResult) -> list[str]:
    """What the chart shows, read from the records: the bias gradient vs rounding, the two loss curves, β, the
    bias's own movement and the eval-mode difference."""
    n, out = len(result.loss_with), []
    if n == 0:
        return []
    s, tol = result.config.setup, result.tolerance
    over = int(np.sum(result.bias_grad > tol))
    worst = float(np.max(result.bias_grad / np.maximum(tol, 1e-300)))
    bound = (f"n·ε·Σ|∂L/∂zᵢ| with n = {s.batch_size} and ε = {EPS64:.1e}, the rounding a float64 sum of n terms "
             "may carry")
    if over == 0:
        out.append(f"**The bias gradient is zero to rounding at every one of the {n} steps**: the largest "
                   f"|∂L/∂b| was {result.bias_grad.max():.1e}, at most {worst:.0%} of {bound}.")
    else:
        out.append(f"**At {over} of {n} steps the bias gradient exceeded rounding** (largest "
                   f"{result.bias_grad.max():.1e}, {worst:.1f}× {bound}).")
    rel = float(np.max(result.loss_diff / np.maximum(np.abs(result.loss_without), 1e-300)))
    if coincide(result):
        out.append(f"**The two loss curves coincide**: they never differ by more than {result.loss_diff.max():.1e} "
                   f"({rel:.0e} of the loss, about {rel / EPS64:.0f} ε), and the outputs on each batch by at most "
                   f"{result.output_diff.max():.1e}.")
    else:
        out.append(f"**The loss curves drift apart**: up to {result.loss_diff.max():.1e} ({rel:.0e} of the loss).")
    still = result.bias_moved <= 100 * EPS64
    beta = ("β ended the same in both" if result.beta_diff <= COINCIDE else "β ended differently")
    out.append(f"The bias {'stayed put' if still else 'moved'} (at most {result.bias_moved:.1e} from its start) "
               f"and {beta} (largest difference {result.beta_diff:.1e}).")
    if len(result.eval_step) >= 2:
        t, first, last = int(result.eval_step[-1]), result.eval_diff[0], result.eval_diff[-1]
        lead = (f"In eval mode (running statistics) the twins' held-out outputs differed by {first:.1e} at step 0 "
                f"and by {last:.1e} at step {t}")
        if still:
            out.append(f"{lead}: the running mean learns the bias 0.1 of the way per step (0.9^{t} = {0.9 ** t:.0e}).")
        else:
            out.append(f"{lead}: the running mean, which eval mode subtracts, lags behind the moving bias.")
    return out
