"""The top of the live view: the view radios, the step line and the per-layer histogram chart of one frame, drawn
with ``charts.live`` so that a new frame updates the chart in place while the view plays."""

from __future__ import annotations

from contextlib import nullcontext

import streamlit as st

from views.histograms import controls, shared
from views.histograms.config import LayerView
from views.ui import charts
from viz.hist_overlay import overlay_histograms, step_overlay
from viz.histograms import pair_histograms

GRID_COLUMNS = 5


def _figure(snap, snaps, view: LayerView, names):
    if view.every:
        depth = len(snap.plain.layers)
        return overlay_histograms(snap, view.kind, names, range(depth), cols=min(GRID_COLUMNS, depth))
    if view.layout == "nets":
        return overlay_histograms(snap, view.kind, names)
    if view.layout == "steps":
        return step_overlay(snaps, view.kind, names)
    return pair_histograms(snap, view.kind, names)


def view_controls(where=None) -> LayerView:
    """The statistic radio, the all-layers toggle and the layout radio in one row (page run), drawn in ``where`` (a
    popover in presentation mode) or in place. One wrapping row is one element to send and render on each rerun;
    two columns were three."""
    with where if where is not None else nullcontext():
        row = st.container(horizontal=True, vertical_alignment="bottom")
        return controls.layer_view(row, row)


def status(trainer, step: int, names, view: LayerView) -> None:
    """"Step N · test accuracy" and the histogram figure ``view`` asks for, at the frame ``step`` of ``trainer``
    (every session on that frame and view gets the same figure)."""
    snaps = trainer.frames(step)
    snap = snaps[-1]
    st.markdown(f"**Step {snap.step}** · test accuracy {snap.plain.test_accuracy:.1%} (no norm) vs "
                f"{snap.normed.test_accuracy:.1%} ({names[1].lower()})")
    key = (trainer.key, snap.step, view, names)
    charts.live(shared.figure("layers", key, lambda: _figure(snap, snaps, view, names)), "hist_layers")
    if view.every or view.layout == "nets":
        st.caption("On one axis the heights are densities (share per unit of value): each net keeps its own bins.")
