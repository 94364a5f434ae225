"""Saturation section of the live view: the rule for this activation, per-layer chart over time, the numbers."""

from __future__ import annotations

import streamlit as st

from core.saturation import SATURATION
from views.histograms import shared
from views.ui import charts, widgets
from viz.saturation import METRICS, saturation_chart, saturation_rows


def saturation_section(snap, snaps, names, activation: str, trainer_key, where) -> None:
    """Metric radio, bars now + heatmaps over training, and a table of every layer's numbers, drawn in ``where``
    (the container the section is in: the chart then needs no container of its own); ``trainer_key`` with the
    frame's step names the figure (shared by every session on the same frame)."""
    rule = SATURATION[activation][0]
    st.markdown(f"**Saturation and dead units.** For `{activation}` a value counts as *saturated* when {rule}: "
                "there its slope is about 1% of its peak or less, so almost no gradient flows back through it. A "
                "unit is *dead* when that holds for every example of the batch.")
    metric = widgets.radio("Per-layer statistic", list(METRICS), key="smet", horizontal=True,
                           format_func=lambda k: METRICS[k])
    # Updated in place (nobody clicks it): a remount cost the browser a fresh plot on every settings change, and an
    # in-place chart scrolled out of view waits until it is seen.
    charts.live(shared.figure("sat", (trainer_key, snap.step, metric, names),
                              lambda: saturation_chart(snaps, metric, names)), "hist_sat", where=where)
    share = st.column_config.NumberColumn(format="%.1f")
    rows = saturation_rows(snap, ("no norm", names[1].lower()))
    charts.table(rows, column_config={k: (st.column_config.NumberColumn(format="%.3g") if k.startswith("std")
                                          else share) for k in rows[0] if k != "layer"})
