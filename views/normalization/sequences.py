"""The sequences tab: tokens (N, L, C), LayerNorm and RMSNorm per token, BatchNorm's set for contrast."""

from __future__ import annotations

import streamlit as st

from views.normalization import controls, data
from views.normalization.config import CubeConfig
from views.ui import charts
from viz.norm_stats import token_figure


def sequences(cube: CubeConfig) -> None:
    """(N, L, C) tokens with the cube's N, C, seed and eps: LayerNorm and RMSNorm side by side."""
    st.markdown("Transformers store activations as **(N, L, C)**: N sequences of L tokens with C features. "
                "LayerNorm normalizes **each token over its C features**; RMSNorm (LLaMA, T5) only divides by the "
                "root mean square and does not subtract the mean, which saves a reduction.")
    cfg = controls.sequence_config(cube)
    if cfg.c < 2:
        st.warning("A token needs at least C = 2 features to be normalized over them; raise C above.")
        return
    norms = data.tokens(cfg)
    charts.chart(data.sequence_cube(cfg), "seq_cube")
    charts.chart(token_figure(norms.moments), "tokens")
    left, right = st.columns(2)
    left.metric("max |LayerNorm − RMSNorm| on these tokens", f"{norms.gap:.3f}")
    right.metric("largest |token mean| after RMSNorm", f"{norms.rms_offset:.3f}")
    st.caption("Left chart: LayerNorm puts every token's mean at 0, RMSNorm keeps each token's offset (scaled). "
               "Right chart: both give every token RMS 1 (LayerNorm's RMS equals its std, 1). The two agree "
               "when a token's features already have mean 0. BatchNorm's set (blue, left cube) runs across "
               "sequences and positions, so padding and the other sequences in the batch would leak into it.")
