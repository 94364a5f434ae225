"""The normalization page's cached data: the tensor config, the feature map, the four methods and the figures.

A module, not the page script, because a page script runs again on every rerun: each ``st.cache_data`` decorator
there re-reads its function's source (``inspect.getsource``) and the dataclass is rebuilt, on every slider move.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from core.feature_maps import feature_map
from core.norm_report import CUBE_KINDS, run_methods
from core.norm_sets import shared_stats_mask
from core.normalization import NORMALIZATIONS
from viz.cube import CubePanel, cube_cell, cube_figure, cube_mask
from viz.norm_stats import feature_map_figure, histogram_figure, stats_figure
from viz.theme import plain


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


# Its repr names every field, so it identifies a config; Streamlit's own dataclass hashing (asdict, then a walk) costs
# ~0.2 ms a call, and a rerun makes about eight cached calls with the config.
BY_REPR = {TensorConfig: repr}


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_REPR)
def tensor(cfg: TensorConfig):
    return feature_map(cfg.source, cfg.n, cfg.c, cfg.h, cfg.w, cfg.seed)


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_REPR)
def methods(cfg: TensorConfig):
    return run_methods(tensor(cfg).x, cfg.groups, cfg.eps)


def _title(kind: str, shape: tuple, groups: int, count: int, size: int) -> str:
    name = NORMALIZATIONS[kind].title + (f" (G = {groups})" if kind == "group" else "")
    return f"{name}<br><span style='font-size:13px;color:#55606e'>{count} sets × {size} values</span>"


@st.cache_data(max_entries=64, show_spinner=False)
def cube(shape: tuple, groups: int, index: tuple):
    panels = []
    for kind in CUBE_KINDS:
        mask = shared_stats_mask(shape, kind, index, groups)
        count = int(np.prod(shape)) // int(mask.sum())
        panels.append(CubePanel(_title(kind, shape, groups, count, int(mask.sum())), cube_mask(mask)))
    return plain(cube_figure(panels, cube_cell(index, shape), major_s=shape[3]))  # cached as a dict: fast to load


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs=BY_REPR)
def maps(cfg: TensorConfig, n: int, c: int):
    fm = tensor(cfg)
    image = fm.images[n] if fm.images is not None else None
    label = f"sample n = {n}" + (f" (a {fm.labels[n]})" if fm.labels is not None else "")
    return plain(feature_map_figure(fm.x[n], c, image, f"{label}: its {cfg.c} channel maps, channel c = {c} outlined"))


STAT_AXES = {"batch": ("", "c"), "layer": ("n", ""), "instance": ("n", "c"), "group": ("n", "group")}


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_REPR)
def stats(cfg: TensorConfig):
    res, _ = methods(cfg)
    return plain(stats_figure({NORMALIZATIONS[k].title: (r.mean, r.var) for k, r in res.items()},
                              {NORMALIZATIONS[k].title: STAT_AXES[k] for k in res}))


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs=BY_REPR)
def histograms(cfg: TensorConfig, k: int):
    """Before/after histograms with channel k (every n, h, w) highlighted."""
    x, (res, _) = tensor(cfg).x, methods(cfg)
    mask = np.zeros(x.shape, bool)
    mask[:, k] = True
    return plain(histogram_figure(x, {NORMALIZATIONS[m].title: r.y for m, r in res.items()}, mask, f"channel {k}"))
