"""The Keras modes tab: Keras 1's BatchNormalization(mode=0) and (mode=1) as two of the cube's sets."""

from __future__ import annotations

import streamlit as st

from core.normalization import KERAS_MODES, NORMALIZATIONS
from views.normalization import data
from views.normalization.config import CubeConfig, KerasConfig
from views.ui import charts


def keras_modes(cube: CubeConfig) -> None:
    """Keras 1's BatchNormalization(mode=0) and (mode=1) on (N, C) features, as the sets they normalize."""
    st.markdown("The course's Keras code used `BatchNormalization(mode=...)` on (N, C) features. On the cube "
                "(H·W = 1) the two modes are two of the sets above:")
    cfg = KerasConfig(cube.n, cube.c)
    if cfg.n * cfg.c < 2:
        st.warning("With N = 1 and C = 1 there is a single number: nothing to normalize over.")
        return
    charts.chart(data.keras_cube(cfg), "keras_cube")
    over = {0: f"the batch axis (axis 0), one pair per feature, {cfg.n} values each",
            1: f"the feature axis (axis 1), one pair per sample, {cfg.c} values each"}
    for col, m in zip(st.columns(2), (0, 1), strict=True):
        kind, what = KERAS_MODES[m]
        col.markdown(f"**mode {m}**: {what}. That is {NORMALIZATIONS[kind].title}'s set: mean and variance over "
                     f"{over[m]}. Keras's default eps is 1e-3, torch's 1e-5.")
