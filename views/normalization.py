"""Normalization: BatchNorm, LayerNorm, InstanceNorm and GroupNorm as shaded sets of the NCHW cube, on real numbers."""

from __future__ import annotations

import streamlit as st

from core.feature_maps import MAX_C, MAX_HW, MAX_N
from core.norm_report import cell_rows, identity_gaps
from core.norm_sets import divisors
from core.normalization import NORMALIZATIONS, check_eps
from views import _norm_data as data
from views import _norm_sections as sections
from views import _ui as ui
from views._norm_data import TensorConfig

INTRO = (
    "Every normalization layer computes $y = \\gamma\\,(x-\\mu)/\\sqrt{\\sigma^2+\\epsilon} + \\beta$. "
    "They differ **only in which numbers share one $\\mu$ and one $\\sigma^2$**. The cube below is a batch of "
    "feature maps, N samples × C channels × H·W positions (Wu & He, 2018, Figure 2): pick a cell and the blue "
    "block is every value normalized together with it."
)
SHORT = {"batch": "BN", "layer": "LN", "instance": "IN", "group": "GN"}


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
    ui.chart(data.cube(cfg.shape, cfg.groups, index), key="cube", config={"displaylogo": False})
    st.caption("Drag to rotate a cube, scroll to zoom. Blue: the values that share the cell's mean and variance; "
               "orange: the cell. Grey: the rest of the tensor (translucent, so sets inside stay visible).")
    left, right = st.columns([1.15, 1])
    with left:
        st.markdown(f"**The cell's numbers** (x at n={index[0]}, c={index[1]}, h={index[2]}, w={index[3]}): the "
                    "same value normalized by four different sets gives four different outputs.")
        ui.table(cell_rows(data.tensor(cfg).x, index, cfg.groups, cfg.eps), hide_index=True,
                 column_config={k: st.column_config.NumberColumn(format="%.4f") for k in
                                ("set mean", "set variance", "x", "y (normalized)")})
    with right:
        ui.chart(data.maps(cfg, index[0], index[1]), key="maps", config={"displaylogo": False})


def numbers_section(cfg: TensorConfig) -> None:
    """Counts, identities, per-set statistics and histograms of the whole tensor."""
    res, refused = data.methods(cfg)
    for kind, why in refused.items():
        st.warning(f"**{NORMALIZATIONS[kind].title}** is left out below: {why}")
    st.subheader("How many statistics, and the parameters")
    formula = {"batch": "C", "layer": "N", "instance": "N·C", "group": "N·G"}
    ui.table([{"method": NORMALIZATIONS[k].title, "(mean, var) pairs": f"{formula[k]} = {r.count}",
              "values per set": r.set_size, "γ / β shape": str(r.affine),
              "one set is": NORMALIZATIONS[k].one_set} for k, r in res.items()], hide_index=True)
    gaps = identity_gaps(data.tensor(cfg).x, cfg.eps)
    cols = st.columns(len(gaps) + 1)
    for col, (name, gap) in zip(cols, gaps.items(), strict=False):
        col.metric(name, f"{gap:.1e}", help="max |difference| of the two outputs on this tensor", delta=None)
    cols[-1].markdown("GroupNorm is the family: with **G = 1** one group holds all channels (LayerNorm), with "
                      "**G = C** every channel is its own group (InstanceNorm). The differences are rounding only.")
    st.subheader("Per-set means and variances")
    st.caption("One square per statistic: count them and you get the table above. BatchNorm's row shows each "
               "channel's offset (the conv bias and filter gain); InstanceNorm's grid shows how much every image "
               "differs from its channel's average.")
    ui.chart(data.stats(cfg), key="stats")
    st.subheader("Histograms before and after")
    st.caption("Every method gives mean 0, variance 1 *within each of its sets*. Blue is one channel across the "
               "whole batch: exactly one BatchNorm set, so only after BN is the blue histogram always centred at 0 "
               "with width 1; LN and GN mix it with other channels, IN with nothing but itself per image.")
    with st.columns([1, 2])[0]:
        k = ui.slider("channel highlighted in the histograms", 0, max(cfg.c - 1, 1), min(5, cfg.c - 1), key="hc",
                      disabled=cfg.c == 1)
    ui.chart(data.histograms(cfg, min(k, cfg.c - 1)), key="hist")


TABS = ["The cube", "Sequences: LayerNorm vs RMSNorm", "BatchNorm step by step", "Train vs eval", "Keras modes"]

with ui.page("Normalization: BN, LN, IN, GN on the NCHW cube", INTRO):
    cfg = controls()
    try:
        check_eps(cfg.eps)
        data.tensor(cfg)
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
