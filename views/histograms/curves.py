"""Curves of the live view: loss and accuracy, percentiles of one unit, one layer over time, gradient norms."""

from __future__ import annotations

import streamlit as st

from views.ui import charts, widgets
from viz.ridgeline import ridgeline, time_heatmap
from viz.training_curves import grad_norms, loss_accuracy, percentile_plot


def curves(snap, snaps, diverged_at, names, kind: str) -> None:
    """Loss/accuracy, the percentile plot, the time view of one layer and the gradient norms."""
    left, right = st.columns(2)
    charts.chart(loss_accuracy(snaps, names, diverged_at), "hist_curves", where=left)
    depth = len(snap.plain.layers)
    width = snap.plain.unit_percentiles.shape[1]
    # Each chart's own control sits just above it, so these widgets live here rather than in controls.py.
    with right:
        unit = widgets.number_input("Tracked unit", 1, width, 1, key="unit",
                                    help="Which unit of the last hidden layer the percentile plot follows.")
        charts.chart(percentile_plot(snaps, int(unit) - 1, names), "hist_pct")
    left, right = st.columns(2)
    with left:
        a, b = st.columns(2)
        with a:
            layer = widgets.number_input("Layer of the time view", 1, depth, depth, key="layer")
        with b:
            view = widgets.radio("Time view", ["heatmap", "ridgeline"], key="tv", horizontal=True)
        time_view = ridgeline if view == "ridgeline" else time_heatmap
        charts.chart(time_view(snaps, kind, int(layer) - 1, names), "hist_time")
    charts.chart(grad_norms(snap, names), "hist_grad", where=right)
