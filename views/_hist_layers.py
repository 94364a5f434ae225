"""The per-layer histogram chart of the live view: side by side, nets overlaid, steps overlaid, or every layer."""

from __future__ import annotations

import streamlit as st

from views import _ui as ui
from views._hist_export import chart
from viz.hist_overlay import overlay_histograms, step_overlay
from viz.histograms import pair_histograms

LAYOUTS = {"side": "side by side", "nets": "nets on one axis", "steps": "steps on one axis"}
GRID_COLUMNS = 5


def layout_toggle() -> bool:
    """The URL-bound all-layers toggle."""
    return ui.toggle("Show all layers", False, key="hall",
                     help="Every hidden layer in a grid, both nets on one axis per layer; no clicking needed.")


def layout_radio(every: bool) -> str:
    """The URL-bound layout radio (inactive while every layer is shown)."""
    return ui.radio("Layout", list(LAYOUTS), key="hlay", horizontal=True, format_func=LAYOUTS.get, disabled=every)


def layer_chart(snap, snaps, kind: str, names, how: str, every: bool) -> None:
    """The histogram figure chosen by the layout radio and the all-layers toggle."""
    if every:
        depth = len(snap.plain.layers)
        fig = overlay_histograms(snap, kind, names, range(depth), cols=min(GRID_COLUMNS, depth))
    elif how == "nets":
        fig = overlay_histograms(snap, kind, names)
    elif how == "steps":
        fig = step_overlay(snaps, kind, names)
    else:
        fig = pair_histograms(snap, kind, names)
    chart(fig, "hist_layers")
    if every or how == "nets":
        st.caption("On one axis the heights are densities (share per unit of value): each net keeps its own bins.")
