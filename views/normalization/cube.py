"""The cube tab: the cell picker and the four cubes, the cell's numbers, the whole tensor's numbers, and when each
method is used."""

from __future__ import annotations

import streamlit as st

from core.norm_report import cell_rows, identity_gaps
from core.norm_sets import set_size
from core.normalization import NORMALIZATIONS
from views.normalization import controls, data
from views.normalization.config import CubeConfig
from views.ui import charts

COUNT_FORMULA = {"batch": "C", "layer": "N", "instance": "N·C", "group": "N·G"}


@st.fragment
def cube_section(cfg: CubeConfig) -> None:
    """The cell picker, the cube and the cell's numbers; a new cell reruns only this fragment."""
    cell = controls.cell_config(cfg)
    charts.chart(data.cube(cell), "cube", on_select=controls.picked, selection_mode="points")
    st.caption("Click a cell on a cube's face to pick it (the sliders follow). Blue: the values that share the "
               "cell's mean and variance; orange dot: the cell. Grey: the rest of the tensor, a veil through which "
               "the parts of a set inside the block show muted.")
    left, right = st.columns([1.15, 1])
    n, c, h, w = cell.index
    with left:
        st.markdown(f"**The cell's numbers** (x at n={n}, c={c}, h={h}, w={w}): the "
                    "same value normalized by four different sets gives four different outputs.")
        charts.table(cell_rows(data.tensor(cfg).x, cell.index, cfg.groups, cfg.eps),
                     column_config={k: st.column_config.NumberColumn(format="%.4f") for k in
                                    ("set mean", "set variance", "x", "y (normalized)")})
    charts.live(data.maps(cfg, n, c), "maps", where=right)  # updated in place: no remount per tick


def _identities(cfg: CubeConfig) -> None:
    gaps = identity_gaps(data.tensor(cfg).x, cfg.eps)
    cols = st.columns(len(gaps) + 1)
    for col, (name, gap) in zip(cols, gaps.items(), strict=False):
        col.metric(name, f"{gap:.1e}", help="max |difference| of the two outputs on this tensor", delta=None)
    cols[-1].markdown("GroupNorm is the family: with **G = 1** one group holds all channels (LayerNorm), with "
                      "**G = C** every channel is its own group (InstanceNorm). The differences are rounding only.")


def numbers_section(cfg: CubeConfig) -> None:
    """Counts, identities, per-set statistics and histograms of the whole tensor."""
    res, refused = data.methods(cfg)
    for kind, why in refused.items():
        st.warning(f"**{NORMALIZATIONS[kind].title}** is left out below: {why}")
    st.subheader("How many statistics, and the parameters")
    charts.table([{"method": NORMALIZATIONS[k].title, "(mean, var) pairs": f"{COUNT_FORMULA[k]} = {r.count}",
                   "values per set": r.set_size, "γ / β shape": str(r.affine),
                   "one set is": NORMALIZATIONS[k].one_set} for k, r in res.items()])
    _identities(cfg)
    st.subheader("Per-set means and variances")
    st.caption("One square per statistic: count them and you get the table above. BatchNorm's row shows each "
               "channel's offset (the conv bias and filter gain); InstanceNorm's grid shows how much every image "
               "differs from its channel's average.")
    charts.live(data.stats(cfg), "stats")
    st.subheader("Histograms before and after")
    st.caption("Every method gives mean 0, variance 1 *within each of its sets*. Blue is one channel across the "
               "whole batch: exactly one BatchNorm set, so only after BN is the blue histogram always centred at 0 "
               "with width 1; LN and GN mix it with other channels, IN with nothing but itself per image.")
    charts.live(data.histograms(cfg, controls.highlighted_channel(cfg)), "hist")


def when_to_use(cfg: CubeConfig) -> None:
    """One short claim per method, each pointing at something on the cube above."""
    st.subheader("When each one is used")
    n, c, s, g = cfg.n, cfg.c, cfg.positions, cfg.groups
    size = {kind: set_size(cfg.shape, kind, g) for kind in ("batch", "layer")}
    text = {
        "batch": f"Its set spans the **batch**: {n}·{s} = {size['batch']} values per channel. With healthy batches "
                 "this is a good estimate of the channel's statistics, so **CNNs** use it. Slide N to 1 and the set "
                 "is one image: the statistics become noisy and eval (running averages) disagrees with training.",
        "layer": f"One set per **sample** ({c}·{s} = {size['layer']} values): no batch axis, so it works at batch "
                 "size 1 and for **RNNs/transformers** where lengths vary (see the Sequences tab).",
        "instance": f"One set per **(sample, channel)** ({s} values): each image loses its own per-channel "
                    "brightness and contrast, which is exactly what **style transfer** wants removed.",
        "group": f"One set per **(sample, group of {c // g} channels)**: between LN and IN and independent of N, "
                 "so **small batches** (detection, segmentation: 1-2 images per GPU) use it.",
    }
    for col, (kind, body) in zip(st.columns(4), text.items(), strict=True):
        col.markdown(f"**{NORMALIZATIONS[kind].title}**  \n{body}")

