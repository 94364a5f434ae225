"""The cube tab: the cell picker and the four cubes, the cell's numbers, the whole tensor's numbers, and when each
method is used.

The page draws the tab's fixed text and N-independent controls once (``layout``); the batch fragment fills the
slots with everything N changes (``fill``), so a tick of N re-sends those elements only.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.norm_report import CUBE_KINDS, cell_rows, identity_gaps
from core.norm_sets import set_size
from core.normalization import NORMALIZATIONS
from views.normalization import controls, data, nearby
from views.normalization.config import CubeConfig, CubeRow
from views.ui import charts, server

COUNT_FORMULA = {"batch": "C", "layer": "N", "instance": "N·C", "group": "N·G"}
CLICK = ("Click a cell on a cube's face to pick it (the sliders follow). Blue: the values that share the cell's mean "
         "and variance; orange dot: the cell. Grey: the rest of the tensor, a veil through which the parts of a set "
         "inside the block show muted.")
FAMILY = ("GroupNorm is the family: with **G = 1** one group holds all channels (LayerNorm), with **G = C** every "
          "channel is its own group (InstanceNorm). The differences are rounding only.")


@dataclass(frozen=True)
class CubeSlots:
    """Where the batch fragment draws on the cube tab, between the text the page drew, and the histograms' channel."""

    picker: DeltaGenerator  # the cell sliders and the cube (the cell fragment)
    cell: DeltaGenerator  # the cell's numbers (left column)
    maps: DeltaGenerator  # the cell's sample's channel maps (right column)
    counts: DeltaGenerator  # a warning per method the shape rules out, then the counts (a tick may add a warning)
    gaps: tuple[DeltaGenerator, ...]  # one column per identity of core.norm_report.identity_gaps
    stats: DeltaGenerator
    hist: DeltaGenerator
    batch_use: DeltaGenerator  # BatchNorm's "when to use": its set size is N·H·W
    channel: int


def _gap_count(row: CubeRow) -> int:
    # identity_gaps checks IN = GN(G=C) only when an instance set has more than one value (H·W > 1); N plays no part
    return 1 + (set_size((1, row.c, row.h, row.w), "instance") > 1)


def layout(row: CubeRow) -> CubeSlots:
    """The tab's fixed text and the histograms' channel slider, with an empty slot for everything N changes."""
    picker = st.container()
    st.caption(CLICK)
    charts.plotly_js("cube_plotly_js")  # every chart of the tab is drawn in place: this loads their plotly.js
    left, right = st.columns([1.15, 1])
    counts = st.container()  # the methods the shape rules out, this heading and the table
    cols = st.columns(_gap_count(row) + 1)
    cols[-1].markdown(FAMILY)
    st.subheader("Per-set means and variances")
    st.caption("One square per statistic: count them and you get the table above. BatchNorm's row shows each "
               "channel's offset (the conv bias and filter gain); InstanceNorm's grid shows how much every image "
               "differs from its channel's average.")
    stats = st.container()
    st.subheader("Histograms before and after")
    st.caption("Every method gives mean 0, variance 1 *within each of its sets*. Blue is one channel across the "
               "whole batch: exactly one BatchNorm set, so only after BN is the blue histogram always centred at 0 "
               "with width 1; LN and GN mix it with other channels, IN with nothing but itself per image.")
    channel = controls.highlighted_channel(row.c)
    hist = st.container()
    st.subheader("When each one is used")
    use = st.columns(4)
    for col, kind in zip(use[1:], CUBE_KINDS[1:], strict=True):
        col.markdown(_use(kind, row.with_n(1)))  # these three texts do not depend on N
    return CubeSlots(picker, left, right, counts, tuple(cols[:-1]), stats, hist, use[0], channel)


@server.fragment
def cube_section(cfg: CubeConfig, slots: CubeSlots, near: list[CubeConfig]) -> None:
    """The cell picker, the cube and the cell's numbers; a new cell reruns only this fragment. near: the tensors of
    the N values next to this one (nearby.batches), whose cube and maps are sent ahead."""
    with slots.picker:
        cell = controls.cell_config(cfg)
        cells = nearby.cells(cell, near)  # the cell a tick to each neighbour picks
        # Drawn in place: as an st.plotly_chart it was redrawn twice per tick (the second time after the rest of the
        # tick had arrived), and painted ~85 ms later than the first redraw would have allowed.
        charts.live(data.cube(cell), controls.CUBE, on_click=controls.picked,
                    ahead=nearby.ahead(cfg.n, {k.n: data.cube(kc) for k, kc in cells.items()}))
    n, c, h, w = cell.index
    with slots.cell:
        st.markdown(f"**The cell's numbers** (x at n={n}, c={c}, h={h}, w={w}): the "
                    "same value normalized by four different sets gives four different outputs.")
        charts.table(cell_rows(data.tensor(cfg).x, cell.index, cfg.groups, cfg.eps),
                     column_config={k: st.column_config.NumberColumn(format="%.4f") for k in
                                    ("set mean", "set variance", "x", "y (normalized)")})
    charts.live(data.maps(cfg, n, c), "maps", where=slots.maps,  # updated in place: no remount per tick
                ahead=nearby.ahead(cfg.n, {k.n: data.maps(k, *kc.index[:2]) for k, kc in cells.items()}))


def fill(cfg: CubeConfig, slots: CubeSlots) -> None:
    """Everything on the tab that N changes, in the slots ``layout`` made."""
    # Called in the batch fragment's own place (N's column, where its empty container takes no room), not in a
    # slot: a fragment's identity is the place it is called from, and a slot's place moves once the batch fragment
    # has written in it (the cell fragment would get a new identity on a tick, with no place reserved in its slots).
    near = nearby.batches(cfg)  # computed through the same caches: a tick to either finds its figures there
    cube_section(cfg, slots, near)
    res, refused = data.methods(cfg)
    with slots.counts:
        for kind, why in refused.items():
            st.warning(f"**{NORMALIZATIONS[kind].title}** is left out below: {why}")
        st.subheader("How many statistics, and the parameters")
    charts.table([{"method": NORMALIZATIONS[k].title, "(mean, var) pairs": f"{COUNT_FORMULA[k]} = {r.count}",
                   "values per set": r.set_size, "γ / β shape": str(r.affine),
                   "one set is": NORMALIZATIONS[k].one_set} for k, r in res.items()], where=slots.counts)
    gaps = identity_gaps(data.tensor(cfg).x, cfg.eps)
    for col, (name, gap) in zip(slots.gaps, gaps.items(), strict=True):
        col.metric(name, f"{gap:.1e}", help="max |difference| of the two outputs on this tensor", delta=None)
    charts.live(data.stats(cfg), "stats", where=slots.stats,
                ahead=nearby.ahead(cfg.n, {k.n: data.stats(k) for k in near}))
    charts.live(data.histograms(cfg, slots.channel), "hist", where=slots.hist,
                ahead=nearby.ahead(cfg.n, {k.n: data.histograms(k, slots.channel) for k in near}))
    slots.batch_use.markdown(_use("batch", cfg))


def _use(kind: str, cfg: CubeConfig) -> str:
    """One short claim about a method, pointing at something on the cube above."""
    n, c, s, g = cfg.n, cfg.c, cfg.positions, cfg.groups
    size = {k: set_size(cfg.shape, k, g) for k in ("batch", "layer")}
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
    return f"**{NORMALIZATIONS[kind].title}**  \n{text[kind]}"
