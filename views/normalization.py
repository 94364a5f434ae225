"""Normalization: BatchNorm, LayerNorm, InstanceNorm and GroupNorm as shaded sets of the NCHW cube, on real numbers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from core.feature_maps import MAX_C, MAX_HW, MAX_N, feature_map
from core.norm_report import CUBE_KINDS, cell_rows, identity_gaps, run_methods
from core.norm_sets import divisors, shared_stats_mask
from core.normalization import NORMALIZATIONS, check_eps
from views import _norm_sections as sections
from views import _ui as ui
from viz.cube import CubePanel, cube_cell, cube_figure, cube_mask
from viz.norm_stats import feature_map_figure, histogram_figure, stats_figure
from viz.theme import plain

INTRO = (
    "Every normalization layer computes $y = \\gamma\\,(x-\\mu)/\\sqrt{\\sigma^2+\\epsilon} + \\beta$. "
    "They differ **only in which numbers share one $\\mu$ and one $\\sigma^2$**. The cube below is a batch of "
    "feature maps, N samples × C channels × H·W positions (Wu & He, 2018, Figure 2): pick a cell and the blue "
    "block is every value normalized together with it."
)
SHORT = {"batch": "BN", "layer": "LN", "instance": "IN", "group": "GN"}


@dataclass(frozen=True)
class TensorConfig:
    """The tensor on the cube: its source, its shape (N, C, H, W), GroupNorm's G, eps and the seed."""

    source: str  # "digits": a fixed conv layer on digit images; "synthetic": noise with per-channel offsets
    n: int
    c: int
    h: int
    w: int
    groups: int
    eps: float
    seed: int

    @property
    def shape(self) -> tuple[int, int, int, int]:
        return self.n, self.c, self.h, self.w


@st.cache_data(max_entries=32, show_spinner=False)
def _tensor(cfg: TensorConfig):
    return feature_map(cfg.source, cfg.n, cfg.c, cfg.h, cfg.w, cfg.seed)


@st.cache_data(max_entries=32, show_spinner=False)
def _methods(cfg: TensorConfig):
    return run_methods(_tensor(cfg).x, cfg.groups, cfg.eps)


def _title(kind: str, shape: tuple, groups: int, count: int, size: int) -> str:
    name = NORMALIZATIONS[kind].title + (f" (G = {groups})" if kind == "group" else "")
    return f"{name}<br><span style='font-size:13px;color:#55606e'>{count} sets × {size} values</span>"


@st.cache_data(max_entries=64, show_spinner=False)
def _cube(shape: tuple, groups: int, index: tuple):
    panels = []
    for kind in CUBE_KINDS:
        mask = shared_stats_mask(shape, kind, index, groups)
        count = int(np.prod(shape)) // int(mask.sum())
        panels.append(CubePanel(_title(kind, shape, groups, count, int(mask.sum())), cube_mask(mask)))
    return plain(cube_figure(panels, cube_cell(index, shape), major_s=shape[3]))  # cached as a dict: fast to load


@st.cache_data(max_entries=64, show_spinner=False)
def _maps(cfg: TensorConfig, n: int, c: int):
    fm = _tensor(cfg)
    image = fm.images[n] if fm.images is not None else None
    label = f"sample n = {n}" + (f" (a {fm.labels[n]})" if fm.labels is not None else "")
    return plain(feature_map_figure(fm.x[n], c, image, f"{label}: its {cfg.c} channel maps, channel c = {c} outlined"))


STAT_AXES = {"batch": ("", "c"), "layer": ("n", ""), "instance": ("n", "c"), "group": ("n", "group")}


@st.cache_data(max_entries=32, show_spinner=False)
def _stats(cfg: TensorConfig):
    res, _ = _methods(cfg)
    return plain(stats_figure({NORMALIZATIONS[k].title: (r.mean, r.var) for k, r in res.items()},
                              {NORMALIZATIONS[k].title: STAT_AXES[k] for k in res}))


@st.cache_data(max_entries=64, show_spinner=False)
def _histograms(cfg: TensorConfig, k: int):
    """Before/after histograms with channel k (every n, h, w) highlighted."""
    x, (res, _) = _tensor(cfg).x, _methods(cfg)
    mask = np.zeros(x.shape, bool)
    mask[:, k] = True
    return plain(histogram_figure(x, {NORMALIZATIONS[m].title: r.y for m, r in res.items()}, mask, f"channel {k}"))


def _groups_control(c: int) -> int:
    options = divisors(c)
    current = st.session_state.get("G")
    if current is not None and current not in options:  # C changed under G: keep the nearest valid G
        st.session_state["G"] = min(options, key=lambda d: abs(d - current))
    default = min(options, key=lambda d: abs(d - 4))
    return ui.select_slider("G (groups)", options, default, key="G",
                            help="GroupNorm's number of groups; only divisors of C are offered.")


def controls() -> TensorConfig:
    """The tensor's widgets (all in the URL) as a frozen config."""
    cols = st.columns([1.25, 1, 1, 1, 1, 1.2, 0.9])
    with cols[0]:
        source = ui.radio("Feature map", ["digits", "synthetic"], key="src",
                          help="digits: a fixed 3×3 conv layer (C filters) applied to scikit-learn digit images, "
                               "before ReLU, where BN sits. synthetic: noise with per-channel offsets and scales.")
    with cols[1]:
        n = ui.slider("N (batch)", 1, MAX_N, 8, key="N")
    with cols[2]:
        c = ui.slider("C (channels)", 1, MAX_C, 16, key="C")
    with cols[3]:
        h = ui.slider("H", 1, MAX_HW, 8, key="H")
    with cols[4]:
        w = ui.slider("W", 1, MAX_HW, 8, key="W")
    with cols[5]:
        g = _groups_control(c)
    with cols[6]:
        eps = ui.number_input("eps", value=1e-5, step=1e-5, format="%.0e", key="eps",
                              help="Added to the variance before the square root; torch's default is 1e-5.")
    at_limit = [f"{k} = {v}" for k, v, hi in (("N", n, MAX_N), ("C", c, MAX_C), ("H", h, MAX_HW), ("W", w, MAX_HW))
                if v == hi]
    if at_limit:
        st.caption(f":material/info: {', '.join(at_limit)}: the largest the cube draws (N ≤ {MAX_N}, C ≤ {MAX_C}, "
                   f"H, W ≤ {MAX_HW}: up to {MAX_N * MAX_C * MAX_HW**2:,} cells, still redrawn in well under 0.2 s).")
    return TensorConfig(source, n, c, h, w, g, eps, int(st.session_state.get("seed", 0)))


def _cell_slider(label: str, size: int, default: int, key: str) -> int:
    if size == 1:
        st.caption(f"{label} = 0 (only one)")
        return 0
    if st.session_state.get(key, 0) >= size:  # the tensor shrank under the chosen cell
        st.session_state[key] = size - 1
    return ui.slider(label, 0, size - 1, min(default, size - 1), key=key)


@st.fragment
def cube_section(cfg: TensorConfig) -> None:
    """The cell picker, the cube and the cell's numbers; a new cell reruns only this fragment."""
    cols = st.columns(4)
    dims = (("cell n", cfg.n, 0, "cn"), ("cell c", cfg.c, 5, "cc"), ("cell h", cfg.h, 3, "ch"),
            ("cell w", cfg.w, 4, "cw"))
    index = []
    for col, (label, size, default, key) in zip(cols, dims, strict=True):
        with col:
            index.append(_cell_slider(label, size, default, key))
    index = tuple(index)
    ui.chart(_cube(cfg.shape, cfg.groups, index), key="cube", config={"displaylogo": False})
    st.caption("Drag to rotate a cube, scroll to zoom. Blue: the values that share the cell's mean and variance; "
               "orange: the cell. Grey: the rest of the tensor (translucent, so sets inside stay visible).")
    left, right = st.columns([1.15, 1])
    with left:
        st.markdown(f"**The cell's numbers** (x at n={index[0]}, c={index[1]}, h={index[2]}, w={index[3]}): the "
                    "same value normalized by four different sets gives four different outputs.")
        st.dataframe(cell_rows(_tensor(cfg).x, index, cfg.groups, cfg.eps), hide_index=True,
                     column_config={k: st.column_config.NumberColumn(format="%.4f") for k in
                                    ("set mean", "set variance", "x", "y (normalized)")})
    with right:
        ui.chart(_maps(cfg, index[0], index[1]), key="maps", config={"displaylogo": False})


def numbers_section(cfg: TensorConfig) -> None:
    """Counts, identities, per-set statistics and histograms of the whole tensor."""
    res, refused = _methods(cfg)
    for kind, why in refused.items():
        st.warning(f"**{NORMALIZATIONS[kind].title}** is left out below: {why}")
    st.subheader("How many statistics, and the parameters")
    formula = {"batch": "C", "layer": "N", "instance": "N·C", "group": "N·G"}
    st.dataframe([{"method": NORMALIZATIONS[k].title, "(mean, var) pairs": f"{formula[k]} = {r.count}",
                   "values per set": r.set_size, "γ / β shape": str(r.affine),
                   "one set is": NORMALIZATIONS[k].one_set} for k, r in res.items()], hide_index=True)
    gaps = identity_gaps(_tensor(cfg).x, cfg.eps)
    cols = st.columns(len(gaps) + 1)
    for col, (name, gap) in zip(cols, gaps.items(), strict=False):
        col.metric(name, f"{gap:.1e}", help="max |difference| of the two outputs on this tensor", delta=None)
    cols[-1].markdown("GroupNorm is the family: with **G = 1** one group holds all channels (LayerNorm), with "
                      "**G = C** every channel is its own group (InstanceNorm). The differences are rounding only.")
    st.subheader("Per-set means and variances")
    st.caption("One square per statistic: count them and you get the table above. BatchNorm's row shows each "
               "channel's offset (the conv bias and filter gain); InstanceNorm's grid shows how much every image "
               "differs from its channel's average.")
    ui.chart(_stats(cfg), key="stats")
    st.subheader("Histograms before and after")
    st.caption("Every method gives mean 0, variance 1 *within each of its sets*. Blue is one channel across the "
               "whole batch: exactly one BatchNorm set, so only after BN is the blue histogram always centred at 0 "
               "with width 1; LN and GN mix it with other channels, IN with nothing but itself per image.")
    with st.columns([1, 2])[0]:
        k = ui.slider("channel highlighted in the histograms", 0, max(cfg.c - 1, 1), min(5, cfg.c - 1), key="hc",
                      disabled=cfg.c == 1)
    ui.chart(_histograms(cfg, min(k, cfg.c - 1)), key="hist")


TABS = ["The cube", "Sequences: LayerNorm vs RMSNorm", "BatchNorm step by step", "Train vs eval", "Keras modes"]

with ui.page("Normalization: BN, LN, IN, GN on the NCHW cube", INTRO):
    cfg = controls()
    try:
        check_eps(cfg.eps)
        _tensor(cfg)
        ok = True
    except ValueError as err:
        st.error(str(err))
        ok = False
    tabs = ui.tabs(TABS, key="ntab")  # only the open tab is built: a slider move pays for one tab, not five
    if ok and tabs[0].open:
        with tabs[0]:
            cube_section(cfg)
            numbers_section(cfg)
            sections.when_to_use(cfg.n, cfg.c, cfg.h * cfg.w, cfg.groups)
    if ok and tabs[1].open:
        with tabs[1]:
            sections.sequences(cfg.n, cfg.c, cfg.seed, cfg.eps)
    if ok and tabs[4].open:
        with tabs[4]:
            sections.keras_modes(cfg.n, cfg.c)
    if tabs[2].open:
        with tabs[2]:
            sections.algorithm_1(cfg.seed)
    if tabs[3].open:
        with tabs[3]:
            sections.train_vs_eval(cfg.source, cfg.c, cfg.h, cfg.w, cfg.seed)
