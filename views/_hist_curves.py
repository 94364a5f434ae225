"""Curves of the live view: loss and accuracy, percentiles of one unit, one layer over time, gradient norms."""

from __future__ import annotations

import streamlit as st

from views import _ui as ui
from views._hist_export import chart
from viz.ridgeline import ridgeline, time_heatmap
from viz.training_curves import grad_norms, loss_accuracy, percentile_plot


def curves(snap, snaps, diverged_at, names, kind: str) -> None:
    """Loss/accuracy, the percentile plot, the time view of one layer and the gradient norms."""
    left, right = st.columns(2)
    chart(loss_accuracy(snaps, names, diverged_at), "hist_curves", left)
    depth = len(snap.plain.layers)
    width = snap.plain.unit_percentiles.shape[1]
    with right:
        unit = ui.number_input("Tracked unit", 1, width, 1, key="unit",
                               help="Which unit of the last hidden layer the percentile plot follows.")
        chart(percentile_plot(snaps, int(unit) - 1, names), "hist_pct")
    left, right = st.columns(2)
    with left:
        a, b = st.columns(2)
        with a:
            layer = ui.number_input("Layer of the time view", 1, depth, depth, key="layer")
        with b:
            view = ui.radio("Time view", ["heatmap", "ridgeline"], key="tv", horizontal=True)
        chart((ridgeline if view == "ridgeline" else time_heatmap)(snaps, kind, int(layer) - 1, names), "hist_time")
    chart(grad_norms(snap, names), "hist_grad", right)
