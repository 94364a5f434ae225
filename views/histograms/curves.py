"""Curves of the live view: loss and accuracy, percentiles of one unit, one layer over time, gradient norms; drawn
at this session's frame as live charts (updated in place), figures shared by every session on the same frame."""

from __future__ import annotations

import streamlit as st

from views.histograms import controls, shared
from views.ui import charts, widgets
from viz.ridgeline import ridgeline, time_heatmap
from viz.training_curves import grad_norms, loss_accuracy, percentile_plot


def curves(trainer, step: int, names) -> None:
    """Loss/accuracy, the percentile plot, the time view of one layer and the gradient norms."""
    snaps = trainer.frames(step)
    snap = snaps[-1]
    kind = controls.shown_kind()
    diverged = trainer.pair.diverged_at if trainer.done else None
    at = (trainer.key, snap.step)
    # One pair of columns for the four charts, each control just above its chart and the two time-view controls in
    # one row: every block is one more element to send and render on each rerun (this fragment has 12, two rows of
    # columns had 19). Left: loss, then the time view; right: the percentile plot, then the gradient norms.
    left, right = st.columns(2)
    charts.live(shared.figure("loss", (*at, names, diverged), lambda: loss_accuracy(snaps, names, diverged)),
                "hist_curves", where=left)
    depth = len(snap.plain.layers)
    width = snap.plain.unit_percentiles.shape[1]
    # Each chart's own control sits just above it, so these widgets live here rather than in controls.py.
    with right:
        unit = int(widgets.number_input("Tracked unit", 1, width, 1, key="unit",
                                        help="Which unit of the last hidden layer the percentile plot follows.")) - 1
    charts.live(shared.figure("pct", (*at, unit, names), lambda: percentile_plot(snaps, unit, names)), "hist_pct",
                where=right)  # (an explicit where: live adds no container of its own)
    with left.container(horizontal=True):
        layer = int(widgets.number_input("Layer of the time view", 1, depth, depth, key="layer")) - 1
        view = widgets.radio("Time view", ["heatmap", "ridgeline"], key="tv", horizontal=True)
    time_view = ridgeline if view == "ridgeline" else time_heatmap
    charts.live(shared.figure("time", (*at, view, kind, layer, names), lambda: time_view(snaps, kind, layer, names)),
                "hist_time", where=left)
    charts.live(shared.figure("grad", (*at, names), lambda: grad_norms(snap, names)), "hist_grad", where=right)
