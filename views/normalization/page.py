"""Normalization: BatchNorm, LayerNorm, InstanceNorm and GroupNorm as shaded sets of the NCHW cube, on real numbers."""

import streamlit as st

from views.normalization import algorithm, controls, cube, data, keras, sequences, train_eval
from views.ui import frame, widgets

TITLE = "Normalization: BN, LN, IN, GN on the NCHW cube"
INTRO = (
    "Every normalization layer computes $y = \\gamma\\,(x-\\mu)/\\sqrt{\\sigma^2+\\epsilon} + \\beta$. "
    "They differ **only in which numbers share one $\\mu$ and one $\\sigma^2$**. The cube below is a batch of "
    "feature maps, N samples × C channels × H·W positions (Wu & He, 2018, Figure 2): pick a cell and the blue "
    "block is every value normalized together with it."
)
TABS = ["The cube", "Sequences: LayerNorm vs RMSNorm", "BatchNorm step by step", "Train vs eval", "Keras modes"]

with frame.page(TITLE, INTRO):
    cfg = controls.cube_config()
    problem = data.problem(cfg)
    if problem:
        st.error(problem)
    ok = problem is None
    tabs = widgets.tabs(TABS, key="ntab")  # only the open tab is built: a slider move pays for one tab, not five
    if ok and tabs[0].open:
        with tabs[0]:
            cube.cube_section(cfg)
            cube.numbers_section(cfg)
            cube.when_to_use(cfg)
    if ok and tabs[1].open:
        with tabs[1]:
            sequences.sequences(cfg)
    if ok and tabs[4].open:
        with tabs[4]:
            keras.keras_modes(cfg)
    if tabs[2].open:
        with tabs[2]:
            algorithm.algorithm_1(cfg)
    if tabs[3].open:
        with tabs[3]:
            train_eval.train_vs_eval(cfg)
