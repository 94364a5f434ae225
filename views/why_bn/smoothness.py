"""The smoothness tab: Santurkar et al.'s Figure 4 measured live on the plain and the BN twin along their training.

Settings (URL keys ``sm_*``) -> one frozen ``SmoothnessConfig`` -> a background job (views/why_bn/twins_job.py)
-> ``viz.smoothness.smoothness_figure``; the sentences above the chart are ``claims(result)``, read from it.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.bn_twins import NetSettings
from core.smoothness import SmoothnessConfig, SmoothnessResult, passes, smoothness
from views.ui import charts, frame, widgets
from views.why_bn.twins_job import Experiment, run
from viz.smoothness import smoothness_figure

INTRO = (
    "Santurkar et al. (2018, Sec. 3.2) look at the landscape *along the training path*. At every recorded step "
    "each net stands at its weights x with its mini-batch gradient g, steps to x − ηg for several step sizes η "
    "(here 0.5 to 4 times the learning rate; their Fig. 4 caps it at η = 0.4) and measures, on the same "
    "batch: how much the **loss** varies over those steps (the band), how much the **gradient** changes "
    "(‖∇L(x) − ∇L(x − ηg)‖: small means the gradient here predicts the gradient there), and the **effective "
    "β-smoothness**, the largest gradient change per unit of distance moved. Both nets start from the same "
    "weights and see the same batches.")
LRS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
ACTIVATIONS = ("relu", "tanh", "sigmoid")
INIT = {"relu": "he", "tanh": "xavier", "sigmoid": "xavier"}  # each nonlinearity with its own initialization
EARLY = 0.5  # the claims' "early training": the first half of the recorded steps
PLATEAU = 0.9  # a plain net whose loss stays above 90% of its start has not left the plateau
NAMES = ("no normalization", "batch norm")


def controls() -> SmoothnessConfig:
    """The tab's URL-bound settings as one frozen config (the seed from the sidebar)."""
    a, b, c = st.columns(3)
    with a:
        steps = widgets.slider("Steps", 50, 1000, 300, 50, key="sm_steps", help="Updates of each net.")
        act = widgets.selectbox("Nonlinearity", ACTIVATIONS, key="sm_act",
                                help="3 × 100 MLP on the digits; ReLU with He init, tanh and sigmoid with Xavier.")
    with b:
        lr = widgets.select_slider("Learning rate", LRS, 0.1, key="sm_lr", help="Plain SGD, batch 60, both nets.")
        every = widgets.slider("Probe every … steps", 5, 50, 10, 5, key="sm_every")
    with c:
        probes = widgets.slider("Step sizes per probe", 2, 16, 8, key="sm_probes",
                                help="η evenly spaced from 0.5 to 4 times the learning rate.")
    net = NetSettings(activation=act, init=INIT[act], lr=float(lr), seed=frame.seed())
    return SmoothnessConfig(net=net, steps=int(steps), record_every=min(int(every), int(steps)), probes=int(probes))


def _what(cfg: SmoothnessConfig) -> str:
    return f"2 networks × {cfg.steps} steps, {len(cfg.record_steps)} probes of {cfg.probes} step sizes"


EXPERIMENT = Experiment("sm", "Smoothness measurements", smoothness, passes, _what)


def show() -> None:
    """Controls, the run with its promise, then what the result shows and the three panels."""
    cfg = controls()
    result = run(EXPERIMENT, cfg)
    if result is None:
        return
    for sentence in claims(result):
        st.markdown(sentence)
    charts.chart(smoothness_figure(result), "sm_chart")
    if not result.complete:
        st.caption(f"Stopped at the promised time after {len(result.steps)} of {len(result.config.record_steps)} "
                   "probes; fewer steps finish sooner.")
    for name, at in zip(NAMES, result.diverged_at, strict=True):
        if at is not None:
            st.warning(frame.diverged(name.capitalize(), at) + "; its curves end there. Lower the learning rate.")


def _median(a: np.ndarray) -> float:
    a = a[np.isfinite(a)]
    return float(np.median(a)) if a.size else float("nan")


def claims(result: SmoothnessResult) -> list[str]:
    """What the three panels show, read from the result: the band early on, the gradient change, β."""
    t = len(result.steps)
    if t == 0:
        return []
    early = max(1, int(np.ceil(t * EARLY)))
    width = result.band_width[:, :early]
    both = np.all(np.isfinite(width), axis=0)
    last = int(result.steps[early - 1])
    out = []
    if both.any():
        narrower = int(np.sum(width[1, both] < width[0, both]))
        wp, wb = _median(width[0, both]), _median(width[1, both])
        nums = (f"median width {wb:.3g} with batch norm, {wp:.3g} without; narrower at {narrower} of "
                f"{int(both.sum())} probes")
        if narrower * 2 > both.sum():
            out.append(f"**Over the first {last} steps batch norm's loss band is narrower** ({nums}): stepping "
                       "along its gradient changes its loss less.")
        else:
            out.append(f"**Here batch norm's loss band is not narrower over the first {last} steps** ({nums}).")
    change, beta = result.predictiveness[1], result.beta
    cp, cb, bp, bb = _median(change[0]), _median(change[1]), _median(beta[0]), _median(beta[1])
    if np.isfinite([cp, cb, bp, bb]).all():
        word = "changes less" if cb < cp else "changes more"
        out.append(f"Along the gradient, batch norm's gradient **{word}** (median largest change {cb:.3g} vs "
                   f"{cp:.3g}), and its effective β-smoothness is **{'lower' if bb < bp else 'higher'}** "
                   f"(median {bb:.3g} vs {bp:.3g}" + ("): a smoother landscape, the paper's explanation." if
                                                      bb < bp and cb < cp else ")."))
    finite = result.loss[0, np.isfinite(result.loss[0])]
    start, end = (finite[0], finite[-1]) if finite.size else (np.nan, np.nan)
    if finite.size > 1 and end > PLATEAU * start:
        out.append(f"The plain net has not left its plateau (loss {start:.3g} → {end:.3g}): its small numbers "
                   "measure a flat region it cannot get out of, not an easy landscape.")
    return out
