"""The 2-D input-preprocessing tab: a correlated pixel cloud, raw to whitened, under a layer of random ReLUs."""

from __future__ import annotations

import streamlit as st

from core.preprocessing import PREPROCESSINGS
from views.activations import data
from views.activations.config import CloudConfig
from views.ui import charts

INTRO = (
    "Two neighbouring pixels of a natural image: both intensities are positive and strongly correlated. "
    "A freshly initialized ReLU unit splits the plane along its line **w·x + b = 0**. Seen from the origin, "
    "the raw cloud spans a narrow angle, so most lines with a small bias miss it: those units are either "
    "**dead** on every input or **purely linear**. Centring puts the cloud around the origin, where every "
    "line through it cuts; scaling and whitening make the cloud round. The purple arrows on the raw cloud "
    "are the covariance eigenvectors (length 2√λ): PCA rotates onto them, ZCA rotates back.")


def show(cfg: CloudConfig) -> None:
    """The five scatter panels, the cut counts, and the covariance table with the raw-vs-centred sentence."""
    got = data.shown_or_error(data.cloud, cfg)
    if got is None:
        return
    charts.chart(got.scatter, "pre_scatter")
    left, right = st.columns([1, 1.1])
    charts.chart(got.counts_chart, "pre_counts", where=left)
    with right:
        st.markdown("**Covariance of the data after each step** (1/n convention)")
        charts.table(got.table, column_config={k: st.column_config.NumberColumn(format="%.4f")
                                               for k in got.table[0] if k != "preprocessing"})
        raw, centred = got.counts[PREPROCESSINGS["raw"]][0], got.counts[PREPROCESSINGS["center"]][0]
        st.markdown(f"Raw: **{raw} of {cfg.units}** units cut the data; centred: **{centred}**. Whitening "
                    "leaves cov = I only when eps ≪ the smallest variance: raise eps and watch the diagonal "
                    "shrink to λ/(λ+eps).")
