"""The Keras modes tab: the course's Keras BatchNormalization(mode=0) and (mode=1) as two of the cube's sets, then
the same k batches through the paper's algorithms, torch and a port of that layer, side by side.

This module owns the tab's session keys: kr_k (k), kr_mom (Keras momentum), kr_eps (Keras epsilon), kr_gamma
(outputs with the initial gamma and beta).
"""

from __future__ import annotations

import streamlit as st

from core.keras_bn import SOURCE
from core.normalization import KERAS_MODES, NORMALIZATIONS
from views.normalization import data
from views.normalization.config import CubeConfig, KerasConfig, KerasRunConfig
from views.ui import charts, frame, widgets

MAX_K = 200
KERAS_EPS = [1e-6, 1e-4, 1e-3, 1e-2, 1e-1]


def keras_modes(cube: CubeConfig) -> None:
    """The course's Keras BatchNormalization(mode=0) and (mode=1) on (N, C) features, as the sets they normalize,
    and the comparison of that layer with the paper and torch."""
    st.markdown("The course's Keras code used `BatchNormalization(mode=...)` on (N, C) features. On the cube "
                "(H·W = 1) the two modes are two of the sets above:")
    cfg = KerasConfig(cube.n, cube.c)
    if cfg.n * cfg.c < 2:
        st.warning("With N = 1 and C = 1 there is a single number: nothing to normalize over.")
    else:
        charts.chart(data.keras_cube(cfg), "keras_cube")
        over = {0: f"the batch axis (axis 0), one pair per feature, {cfg.n} values each",
                1: f"the feature axis (axis 1), one pair per sample, {cfg.c} values each"}
        for col, m in zip(st.columns(2), (0, 1), strict=True):
            kind, what = KERAS_MODES[m]
            col.markdown(f"**mode {m}**: {what}. That is {NORMALIZATIONS[kind].title}'s set: mean and variance over "
                         f"{over[m]}.")
        st.caption("The course's layer defaults to eps = 1e-6 and momentum = 0.9 (Keras 2 later to 1e-3 and 0.99); "
                   "torch to eps = 1e-5 and momentum = 0.1, its weight of the new batch.")
    comparison(cube)


def run_config(cube: CubeConfig) -> tuple[KerasRunConfig, bool]:
    """k, the Keras momentum and epsilon, and whether outputs include the initial gamma and beta, in one row; the
    source, N, C, eps and the seed come from the cube."""
    cols = st.columns([1.2, 1.4, 1.3, 1.3])
    with cols[0]:
        k = widgets.slider("k (training batches)", 1, MAX_K, 10, key="kr_k")
    with cols[1]:
        momentum = widgets.slider("Keras momentum", 0.0, 0.99, 0.9, 0.01, key="kr_mom",
                                  help="The weight of the OLD running value; torch runs with momentum 1 − this, "
                                       "its weight of the new batch, so both running means move alike.")
    with cols[2]:
        keras_eps = widgets.select_slider("Keras epsilon", KERAS_EPS, 1e-6, key="kr_eps",
                                          format_func=lambda v: f"{v:.0e}",
                                          help="The layer's default is 1e-6; a larger one shows what using it "
                                               "twice does. The paper and torch use the cube's eps.")
    with cols[3]:
        affine = widgets.toggle("with the initial γ, β", False, key="kr_gamma",
                                help="Off: the normalized outputs (γ = 1, β = 0). On: each layer's output as it "
                                     "starts: torch γ = 1, β = 0; Keras γ ~ U(−0.05, 0.05), β = 0.")
    return KerasRunConfig(cube.source, cube.n, cube.c, k, momentum, keras_eps, cube.eps, cube.seed), affine


def comparison(cube: CubeConfig) -> None:
    """The same k batches through the paper (Algorithms 1 and 2), torch's BatchNorm1d and the Keras port."""
    st.subheader("The same batches through the paper, torch and the course's Keras layer")
    cfg, affine = run_config(cube)
    frame.prose(
        f"k training batches of N = {cfg.n} feature vectors (C = {cfg.c}) from the cube's source and seed, then one "
        f"held-out batch. Top row: training batch k in train mode (Algorithm 1, torch `train()`, Keras "
        f"`train=True`); bottom row: the held-out batch in eval mode (Algorithm 2 with the paper's population "
        f"statistics, torch `eval()`, Keras `train=False`). The paper and torch use the cube's eps = {cfg.eps:g}; "
        f"torch's momentum is 1 − {cfg.momentum:g}.")
    try:
        data.keras_comparison(cfg)
    except ValueError as err:
        st.warning(str(err))
        return
    charts.chart(data.keras_chart(cfg, affine), "keras_compare")
    st.markdown("\n".join(f"- {claim.text}" for claim in data.keras_claims(cfg)))
    st.caption("Per feature, the mean and std (÷ N) of each output over its N samples"
               + (", with each layer's initial γ and β." if affine else ", before γ and β."))
    charts.table(data.keras_rows(cfg, affine))
    with st.expander("The lines of the Keras layer this port follows (keras/layers/normalization.py, Keras 0.x)"):
        st.code(SOURCE, language="python")
