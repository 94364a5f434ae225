"""The normalization page's widgets (all in the URL), each group returning its tab's frozen config.

This module owns the page's session keys: src, N, C, H, W, G, eps (the cube), cn, cc, ch, cw (the cell), big (the
method drawn large), cube (the cube chart's click selection), hc (the histograms' channel), L (sequences), alg_c
(Algorithm 1), feat, mom, kmom, T, B, rc (train vs eval).
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.feature_maps import MAX_C, MAX_HW, MAX_L, MAX_N
from core.norm_report import CUBE_KINDS
from core.norm_sets import divisors
from core.normalization import NORMALIZATIONS
from views.normalization.config import (
    AlgorithmConfig,
    CellConfig,
    CubeConfig,
    CubeRow,
    RunningConfig,
    SequenceConfig,
    StreamConfig,
)
from views.ui import charts, frame, widgets

MOMENTA = [0.01, 0.03, 0.1, 0.3, 0.5, 1.0]


def _groups(c: int) -> int:
    options = divisors(c)
    current = st.session_state.get("G")
    if current is not None and current not in options:  # C changed under G: keep the nearest valid G
        st.session_state["G"] = min(options, key=lambda d: abs(d - current))
    default = min(options, key=lambda d: abs(d - 4))
    return widgets.select_slider("G (groups)", options, default, key="G",
                                 help="GroupNorm's number of groups; only divisors of C are offered.")


def limits_note(cfg: CubeConfig) -> None:
    """A note when a size is at its limit."""
    at_limit = [f"{k} = {v}" for k, v, hi in (("N", cfg.n, MAX_N), ("C", cfg.c, MAX_C), ("H", cfg.h, MAX_HW),
                                              ("W", cfg.w, MAX_HW)) if v == hi]
    if at_limit:
        st.caption(f":material/info: {', '.join(at_limit)}: the largest the cube draws (N ≤ {MAX_N}, C ≤ {MAX_C}, "
                   f"H, W ≤ {MAX_HW}: up to {MAX_N * MAX_C * MAX_HW**2:,} cells, still redrawn in well under 0.2 s).")


def cube_row() -> tuple[CubeRow, DeltaGenerator]:
    """The tensor's widgets in one row but N, and the column N goes in (the batch fragment runs there)."""
    cols = st.columns([1.25, 1, 1, 1, 1, 1.2, 0.9])
    with cols[0]:
        source = widgets.radio("Feature map", ["digits", "synthetic"], key="src",
                               help="digits: a fixed 3×3 conv layer (C filters) applied to scikit-learn digit images, "
                                    "before ReLU, where BN sits. synthetic: noise with per-channel offsets and scales.")
    with cols[2]:
        c = widgets.slider("C (channels)", 1, MAX_C, 16, key="C")
    with cols[3]:
        h = widgets.slider("H", 1, MAX_HW, 8, key="H")
    with cols[4]:
        w = widgets.slider("W", 1, MAX_HW, 8, key="W")
    with cols[5]:
        g = _groups(c)
    with cols[6]:
        eps = widgets.number_input("eps", value=1e-5, step=1e-5, format="%.0e", key="eps",
                                   help="Added to the variance before the square root; torch's default is 1e-5.")
    return CubeRow(source, c, h, w, g, eps, frame.seed()), cols[1]


def batch_size() -> int:
    """The N (batch) slider; the batch fragment draws it, in the row's second column."""
    return widgets.slider("N (batch)", 1, MAX_N, 8, key="N")


def _cell_slider(label: str, size: int, default: int, key: str) -> int:
    if size == 1:
        st.caption(f"{label} = 0 (only one)")
        return 0
    if st.session_state.get(key, 0) >= size:  # the tensor shrank under the chosen cell
        st.session_state[key] = size - 1
    return widgets.slider(label, 0, size - 1, min(default, size - 1), key=key)


CELL_KEYS = ("cn", "cc", "ch", "cw")
CUBE = "cube"  # the cube chart's key
SIDE_BY_SIDE = "side by side"


def _index(point: dict) -> list[int] | None:
    """A clicked point's (n, c, h, w): customdata arrives as a list, or as {"0": n, ...} when it was a typed array."""
    data = point.get("customdata")
    if isinstance(data, dict):
        data = [data.get(str(k)) for k in range(len(data))]
    if not isinstance(data, list | tuple) or len(data) != 4 or not all(isinstance(v, int | float) for v in data):
        return None
    return [int(v) for v in data]


def picked() -> None:
    """on_click of the cube chart: the clicked target's (n, c, h, w) moves the four cell sliders (-1: unchanged)."""
    point = charts.clicked(CUBE)
    index = _index(point) if isinstance(point, dict) else None
    for key, value in zip(CELL_KEYS, index or (), strict=False):
        if value >= 0:
            st.session_state[key] = value


def _focus() -> str:
    names = [SIDE_BY_SIDE] + [NORMALIZATIONS[k].title for k in CUBE_KINDS]
    name = widgets.selectbox("Draw large", names, key="big", help="One method's cube large, the others small.")
    return next((k for k in CUBE_KINDS if NORMALIZATIONS[k].title == name), "")


def cell_config(cfg: CubeConfig) -> CellConfig:
    """The cell picker (one slider per axis of the cube's tensor; a click on the cube moves them) and the method
    drawn large, in one row."""
    dims = (("cell n", cfg.n, 0), ("cell c", cfg.c, 5), ("cell h", cfg.h, 3), ("cell w", cfg.w, 4))
    cols = st.columns([1, 1, 1, 1, 1.3])
    index = []
    for col, (label, size, default), key in zip(cols, dims, CELL_KEYS, strict=False):
        with col:
            index.append(_cell_slider(label, size, default, key))
    with cols[-1]:
        focus = _focus()
    return CellConfig(cfg.shape, cfg.groups, tuple(index), focus)


def highlighted_channel(c: int) -> int:
    """The channel the histograms highlight (a valid channel even when C = 1 disables the slider)."""
    with st.columns([1, 2])[0]:
        k = widgets.slider("channel highlighted in the histograms", 0, max(c - 1, 1), min(5, c - 1),
                           key="hc", disabled=c == 1)
    return min(k, c - 1)


def sequence_config(cfg: CubeConfig) -> SequenceConfig:
    """The sequence length; N, C, the seed and eps come from the cube."""
    length = widgets.slider("L (tokens per sequence)", 2, MAX_L, 12, key="L")
    return SequenceConfig(cfg.n, length, cfg.c, cfg.seed, cfg.eps)


def algorithm_config(cfg: CubeConfig) -> AlgorithmConfig:
    """The channel Algorithm 1 is written out for; the batch comes from the seed."""
    j = widgets.radio("Channel", [0, 1, 2], key="alg_c", horizontal=True, format_func=lambda k: f"c = {k}")
    return AlgorithmConfig(cfg.seed, j)


def running_config(cfg: CubeConfig) -> RunningConfig:
    """Momenta, stream length, batch size and channel in one row; the source and C come from the cube."""
    cols = st.columns([1, 1, 1, 1, 1, 1.1])
    with cols[5]:
        features = widgets.toggle("feature vectors (H = W = 1)", False, key="feat",
                                  help="Batches of (N, C) vectors: m = N values per channel, so m/(m−1) is large.")
    with cols[0]:
        momentum = widgets.select_slider("torch momentum", MOMENTA, 0.1, key="mom",
                                         help="weight of the NEW batch: running = (1 − m)·running + m·batch")
    with cols[1]:
        keras = widgets.radio("Keras momentum", [0.9, 0.99], key="kmom", horizontal=True, index=1,
                              help="weight of the OLD value: moving = m·moving + (1 − m)·batch")
    with cols[2]:
        count = widgets.slider("batches", 5, 200, 60, key="T")
    with cols[3]:
        b = widgets.slider("batch size", 2, MAX_N, 4, key="B")
    with cols[4]:
        ch = widgets.slider("channel", 0, max(cfg.c - 1, 1), 0, key="rc", disabled=cfg.c == 1)
    h, w = (1, 1) if features else (min(cfg.h, 8), min(cfg.w, 8))
    stream = StreamConfig(cfg.source, count, b, cfg.c, h, w, cfg.seed)
    return RunningConfig(stream, momentum, keras, min(ch, cfg.c - 1))
