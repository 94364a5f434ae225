"""The noisy-BN tab: Santurkar et al.'s Figure 2, batch norm followed by noise that moves every step.

Settings (URL keys ``nz_*``) -> one frozen ``NoisyConfig`` -> a background job (views/why_bn/twins_job.py) ->
``viz.noisy_bn`` figures; the sentences above them are ``claims(result)``, read from it.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.bn_twins import NetSettings
from core.noisy_bn import NoisyConfig, NoisyResult, noisy_bn, passes
from views.ui import charts, frame, widgets
from views.why_bn.twins_job import Experiment, run
from viz.noisy_bn import NAMES, accuracy_drift, percentile_panels

INTRO = (
    "If batch norm helps by holding each layer's input distribution still (Ioffe & Szegedy's *internal covariate "
    "shift*), then shaking that distribution on purpose should undo the help. Santurkar et al. (2018, Sec. 2.1, "
    "Fig. 2) tried it on a VGG: a third net has batch norm followed by noise that changes at **every step**, and "
    "in their runs it trained about as well as batch norm although its layers' inputs moved more than the plain "
    "net's. Here each unit's output is scaled by s ~ U(1, n_s) and shifted by m ~ U(−n_m, n_m), drawn afresh each "
    "step (at test time each unit gets the noise's average, E[s] = (1 + n_s)/2, as dropout's test pass does).")
LRS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
MEANS = (0.0, 0.25, 0.5, 1.0, 2.0, 3.0)
SCALES = (1.0, 1.25, 1.5, 2.0, 3.0, 4.0)
ACTIVATIONS = ("relu", "tanh", "sigmoid")
INIT = {"relu": "he", "tanh": "xavier", "sigmoid": "xavier"}
CLOSE = 0.03  # "within a few points": 3 points of accuracy


def controls() -> tuple[NoisyConfig, int]:
    """The tab's URL-bound settings: the frozen config and the unit the percentile panels follow (drawing only)."""
    a, b, c = st.columns(3)
    with a:
        steps = widgets.slider("Steps", 50, 1000, 300, 50, key="nz_steps")
        act = widgets.selectbox("Nonlinearity", ACTIVATIONS, key="nz_act",
                                help="3 × 100 MLP on the digits; ReLU with He init, tanh and sigmoid with Xavier.")
    with b:
        lr = widgets.select_slider("Learning rate", LRS, 0.1, key="nz_lr", help="Plain SGD, batch 60, all nets.")
        every = widgets.slider("Record every … steps", 5, 50, 10, 5, key="nz_every")
    with c:
        mean = widgets.select_slider("Noise shift n_m", MEANS, 1.0, key="nz_mean",
                                     help="Each step every unit is shifted by m ~ U(−n_m, n_m).")
        scale = widgets.select_slider("Noise scale n_s", SCALES, 2.0, key="nz_scale",
                                      help="Each step every unit is scaled by s ~ U(1, n_s).")
    unit = widgets.slider("Unit shown in the percentile panels", 1, 100, 1, key="nz_unit")
    net = NetSettings(activation=act, init=INIT[act], lr=float(lr), seed=frame.seed())
    cfg = NoisyConfig(net=net, steps=int(steps), record_every=min(int(every), int(steps)), noise_mean=float(mean),
                      noise_scale=float(scale))
    return cfg, int(unit) - 1


def _what(cfg: NoisyConfig) -> str:
    return f"3 networks × {cfg.steps} steps"


EXPERIMENT = Experiment("nz", "Noisy batch norm", noisy_bn, passes, _what)


def show() -> None:
    """Controls, the run with its promise, then what the result shows, accuracy with drift, and the percentiles."""
    cfg, unit = controls()
    result = run(EXPERIMENT, cfg)
    if result is None or not len(result.steps):
        return
    for sentence in claims(result):
        st.markdown(sentence)
    charts.chart(accuracy_drift(result), "nz_acc")
    charts.chart(percentile_panels(result, min(unit, result.percentiles.shape[-1] - 1)), "nz_pct")
    if not result.complete:
        st.caption(f"Stopped at the promised time after {int(result.steps[-1])} of {result.config.steps} steps; "
                   "fewer steps finish sooner.")
    for name, at in zip(NAMES, result.diverged_at, strict=True):
        if at is not None:
            st.warning(frame.diverged(name, at) + "; its curves end there. Lower the learning rate or the noise.")


def claims(result: NoisyResult) -> list[str]:
    """What the figures show, read from the result: accuracy of noisy BN vs BN, drift of noisy BN vs plain."""
    if not len(result.steps):
        return []
    plain, bn, noisy = result.final_accuracy()
    dp, db, dn = result.drift
    step = int(result.steps[-1])
    out = []
    if np.isfinite([bn, noisy]).all():
        gap = noisy - bn
        where = ("within a few points of" if abs(gap) <= CLOSE else "above" if gap > 0 else "below")
        out.append(f"**At step {step} the noisy-BN net's test accuracy is {where} batch norm's** ({noisy:.1%} vs "
                   f"{bn:.1%}; no normalization {plain:.1%}).")
    if np.isfinite([dp, db, dn]).all():
        more = dn > dp
        out.append(f"Its layers' inputs **drift {'more' if more else 'less'} than the plain net's** (mean "
                   f"percentile drift {dn:.3g} vs {dp:.3g}; batch norm {db:.3g}).")
        if more and abs(noisy - bn) <= CLOSE:
            out.append("So the noisy net's layer inputs moved more than the plain net's and it still learned as "
                       "well as batch norm: holding the distributions still is not what batch norm's accuracy "
                       "needed here.")
    return out
