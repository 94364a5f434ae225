"""Normalization: BatchNorm, LayerNorm, InstanceNorm and GroupNorm as shaded sets of the NCHW cube, on real numbers."""

import streamlit as st

from views.normalization import algorithm, batch, controls, cube, data, train_eval
from views.ui import frame, widgets

TITLE = "Normalization: BN, LN, IN, GN on the NCHW cube"
# The formula in plain type, not LaTeX: KaTeX is the only thing in this default view that needs it, and its script,
# styles and fonts cost a new tab ~0.6 s of main thread before the first chart (docs/performance.md, 14:00).
INTRO = (
    "Every normalization layer computes *y* = *γ* (*x* − *μ*) / √(*σ*² + *ε*) + *β*. "
    "They differ **only in which numbers share one *μ* and one *σ*²**. The cube below is a batch of "
    "feature maps, N samples × C channels × H·W positions (Wu & He, 2018, Figure 2): pick a cell and the blue "
    "block is every value normalized together with it."
)
TABS = ["The cube", "Sequences: LayerNorm vs RMSNorm", "BatchNorm step by step", "Train vs eval", "Keras modes"]

with frame.page(TITLE, INTRO):
    row, n_column = controls.cube_row()
    notes = st.empty()  # the limits note or the tensor's problem, drawn by the batch fragment
    tabs = widgets.tabs(TABS, key="ntab")  # only the open tab is built: a slider move pays for one tab, not five
    ok = data.settings_problem(row) is None
    slots = batch.Slots(notes)
    if ok and tabs[0].open:
        with tabs[0]:
            slots = batch.Slots(notes, cube=cube.layout(row))  # fixed text here, what N changes by the fragment
    if ok and tabs[1].open:
        slots = batch.Slots(notes, sequences=tabs[1])
    if ok and tabs[4].open:
        slots = batch.Slots(notes, keras=tabs[4])
    with n_column:
        cfg = batch.batch_views(row, slots)  # the N slider and everything it changes: a tick reruns only this
    if tabs[2].open:
        with tabs[2]:
            algorithm.algorithm_1(cfg)
    if tabs[3].open:
        with tabs[3]:
            train_eval.train_vs_eval(cfg)
