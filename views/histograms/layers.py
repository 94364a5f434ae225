"""The per-layer histogram chart of the live view: side by side, nets overlaid, steps overlaid, or every layer."""

from __future__ import annotations

import streamlit as st

from views.histograms.config import LayerView
from views.ui import charts
from viz.hist_overlay import overlay_histograms, step_overlay
from viz.histograms import pair_histograms

GRID_COLUMNS = 5


def layer_chart(snap, snaps, view: LayerView, names) -> None:
    """The histogram figure chosen by the layout radio and the all-layers toggle."""
    if view.every:
        depth = len(snap.plain.layers)
        fig = overlay_histograms(snap, view.kind, names, range(depth), cols=min(GRID_COLUMNS, depth))
    elif view.layout == "nets":
        fig = overlay_histograms(snap, view.kind, names)
    elif view.layout == "steps":
        fig = step_overlay(snaps, view.kind, names)
    else:
        fig = pair_histograms(snap, view.kind, names)
    charts.chart(fig, "hist_layers")
    if view.every or view.layout == "nets":
        st.caption("On one axis the heights are densities (share per unit of value): each net keeps its own bins.")
