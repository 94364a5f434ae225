"""The normalization page's cached data: the feature map, the four methods, the tokens and the figures.

Figures are cached as plain dicts (``viz.theme.plain``): a rerun that changes nothing they show loads their JSON.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.feature_maps import FEATURE_MAPS, FeatureMap, batch_stream, feature_map, token_batch
from core.keras_claims import Claim, differences
from core.keras_compare import KerasComparison, compare, feature_batches
from core.norm_report import CUBE_KINDS, MethodResult, TokenNorms, run_methods, token_norms
from core.norm_sets import set_size, shared_stats_mask, stat_count
from core.normalization import KERAS_MODES, NORMALIZATIONS, check_eps
from views.normalization.config import (
    CellConfig,
    CubeConfig,
    CubeRow,
    KerasConfig,
    KerasRunConfig,
    SequenceConfig,
    StreamConfig,
)
from viz.cube import CubePanel, cube_cell, cube_figure, cube_mask
from viz.keras_bn import keras_figure
from viz.norm_stats import feature_map_figure, histogram_figure, stats_figure
from viz.theme import plain

# Their repr names every field, so it identifies a config; Streamlit's own dataclass hashing (asdict, then a walk)
# costs ~0.2 ms a call, and a rerun makes about eight cached calls with the cube's config.
BY_REPR = {c: repr for c in (CubeConfig, CellConfig, SequenceConfig, KerasConfig, StreamConfig)}


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_REPR)
def tensor(cfg: CubeConfig) -> FeatureMap:
    """The feature map (N, C, H, W) on the cube."""
    return feature_map(cfg.source, cfg.n, cfg.c, cfg.h, cfg.w, cfg.seed)


def settings_problem(row: CubeRow) -> str | None:
    """Why the page's settings (source, eps) rule out every tensor (a sentence), or None."""
    try:
        check_eps(row.eps)
    except ValueError as err:
        return str(err)
    if row.source not in FEATURE_MAPS:
        return f"Unknown feature map {row.source!r}; choose one of {', '.join(FEATURE_MAPS)}."
    return None


def problem(cfg: CubeConfig) -> str | None:
    """Why the cube's tensor cannot be built or normalized (a sentence), or None."""
    try:
        check_eps(cfg.eps)
        tensor(cfg)
    except ValueError as err:
        return str(err)
    return None


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_REPR)
def methods(cfg: CubeConfig) -> tuple[dict[str, MethodResult], dict[str, str]]:
    """BN, LN, IN and GN on the tensor, and why any of them cannot run on its shape."""
    return run_methods(tensor(cfg).x, cfg.groups, cfg.eps)


def _title(kind: str, cell: CellConfig) -> str:
    name = NORMALIZATIONS[kind].title + (f" (G = {cell.groups})" if kind == "group" else "")
    count, size = stat_count(cell.shape, kind, cell.groups), set_size(cell.shape, kind, cell.groups)
    return f"{name}<br><span style='font-size:12px'>{count} sets × {size} values</span>"


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs=BY_REPR)
def cube(cell: CellConfig) -> dict:
    """The four cubes: the set sharing the cell's mean and variance under BN, LN, IN and GN; a click picks a cell."""
    panels = [CubePanel(_title(kind, cell), cube_mask(shared_stats_mask(cell.shape, kind, cell.index, cell.groups)))
              for kind in CUBE_KINDS]
    focus = CUBE_KINDS.index(cell.focus) if cell.focus in CUBE_KINDS else None
    return plain(cube_figure(panels, cube_cell(cell.index, cell.shape), major_s=cell.shape[3], focus=focus,
                             pick=True))


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs=BY_REPR)
def maps(cfg: CubeConfig, n: int, c: int) -> dict:
    """Sample n's channel maps with channel c outlined (and its digit, for the digits source)."""
    fm = tensor(cfg)
    image = fm.images[n] if fm.images is not None else None
    label = f"sample n = {n}" + (f" (a {fm.labels[n]})" if fm.labels is not None else "")
    title = f"{label}: its {cfg.c} channel maps<br>channel c = {c} outlined"
    return plain(feature_map_figure(fm.x[n], c, image, title))


STAT_AXES = {"batch": ("", "c"), "layer": ("n", ""), "instance": ("n", "c"), "group": ("n", "group")}


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_REPR)
def stats(cfg: CubeConfig) -> dict:
    """Every method's per-set means and variances as grids."""
    res, _ = methods(cfg)
    return plain(stats_figure({NORMALIZATIONS[k].title: (r.mean, r.var) for k, r in res.items()},
                              {NORMALIZATIONS[k].title: STAT_AXES[k] for k in res}))


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs=BY_REPR)
def histograms(cfg: CubeConfig, k: int) -> dict:
    """Before/after histograms with channel k (every n, h, w) highlighted."""
    x, (res, _) = tensor(cfg).x, methods(cfg)
    mask = np.zeros(x.shape, bool)
    mask[:, k] = True
    return plain(histogram_figure(x, {NORMALIZATIONS[m].title: r.y for m, r in res.items()}, mask, f"channel {k}"))


def _sets_cube(shape: tuple, kinds_titles: dict[str, str], cell: tuple, labels: tuple) -> dict:
    panels = [CubePanel(t, cube_mask(shared_stats_mask(shape, k, cell))) for k, t in kinds_titles.items()]
    return plain(cube_figure(panels, cube_cell(cell, shape), labels=labels))


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs=BY_REPR)
def tokens(cfg: SequenceConfig) -> TokenNorms:
    """LayerNorm and RMSNorm of the tokens (N, L, C), compared token by token."""
    return token_norms(token_batch(cfg.n, cfg.length, cfg.c, cfg.seed), cfg.eps)


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_REPR)
def sequence_cube(cfg: SequenceConfig) -> dict:
    """The token cube: BatchNorm's set mixes sequences, LayerNorm's and RMSNorm's are one token."""
    titles = {"batch": "BatchNorm on tokens<br>mixes sequences", "layer": "LayerNorm: one token",
              "rms": "RMSNorm: one token"}
    return _sets_cube(cfg.shape, titles, cfg.cell, ("N", "C", "L"))


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_REPR)
def keras_cube(cfg: KerasConfig) -> dict:
    """Keras 1's BatchNormalization mode 0 and mode 1 as the sets they normalize on (N, C) features."""
    titles = {KERAS_MODES[m][0]: f"mode {m}: {KERAS_MODES[m][1].split(':')[0]}<br>= "
                                 f"{NORMALIZATIONS[KERAS_MODES[m][0]].title}" for m in (0, 1)}
    return _sets_cube((cfg.n, cfg.c), titles, cfg.cell, ("N", "C", "H·W"))


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs={KerasRunConfig: repr})
def keras_comparison(cfg: KerasRunConfig) -> KerasComparison:
    """The k batches (N, C) through the paper, torch and the Keras port (modes 0 and 1): raises ValueError with a
    sentence when they cannot run (N = 1)."""
    train, held = feature_batches(cfg.source, cfg.batches, cfg.n, cfg.c, cfg.seed)
    return compare(train, held, cfg.momentum, cfg.eps, cfg.keras_eps, cfg.seed)


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs={KerasRunConfig: repr})
def keras_chart(cfg: KerasRunConfig, affine: bool) -> dict:
    """Per-feature mean and std of the eight outputs, before or after each layer's initial gamma and beta."""
    return plain(keras_figure(keras_comparison(cfg), affine))


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs={KerasRunConfig: repr})
def keras_claims(cfg: KerasRunConfig) -> tuple[Claim, ...]:
    """The tab's lines, one per difference, computed from the comparison."""
    return differences(keras_comparison(cfg))


def _shown(v: float) -> float:
    return round(float(v), 4) + 0.0  # + 0.0: no "-0.0" for a mean of -3e-17


def keras_rows(cfg: KerasRunConfig, affine: bool) -> list[dict]:
    """The table: one row per feature, the mean and std of every output (4 decimals)."""
    cmp = keras_comparison(cfg)
    cols = {f"{o.title} {s}": (o.mean(affine) if s == "mean" else o.std(affine))
            for o in sorted(cmp.outputs, key=lambda o: o.phase != "train") for s in ("mean", "std")}
    return [{"feature": j, **{name: _shown(v[j]) for name, v in cols.items()}} for j in range(cfg.c)]


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs=BY_REPR)
def stream(cfg: StreamConfig) -> tuple[list[np.ndarray], np.ndarray]:
    """The training batches (batch, C, H, W) and one more batch from the same distribution, held out for eval."""
    batches = batch_stream(cfg.source, cfg.count + 1, cfg.batch, cfg.c, cfg.h, cfg.w, cfg.seed)
    return batches[:-1], batches[-1]
