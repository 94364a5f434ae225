"""The cached runs of the training-dynamics page: descent variants, lr curves and range test, dropout runs,
ensemble members, the gradient check's h sweep."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st
import torch

from core.datasets import load
from core.ensembles import EnsembleConfig, Member, train_member
from core.gradcheck import h_sweep, make_problem
from core.linear_regression import GDRun, LinearData, gd_variants, make_data
from core.lr_range import Curve, LRConfig, RangeTest, lr_curve, range_test
from core.networks import NetSpec, build
from core.train_loop import Curves, TrainData, TrainSettings, train
from views.dynamics.config import H_VALUES, CurveConfig, GDConfig

CACHE = dict(max_entries=128, ttl=3600, show_spinner=False)
LR_RANGE = (1e-5, 10.0)  # the range test sweeps these four decades and a bit (fastai: 1e-7 to 10)


@dataclass(frozen=True)
class Descent:
    """The data set, the three runs, and the loss grid (ws, bs, z) of the box around them."""

    data: LinearData
    run: GDRun
    grid: tuple[np.ndarray, np.ndarray, np.ndarray]


@st.cache_data(**CACHE | {"max_entries": 32}, hash_funcs={GDConfig: repr})  # a run: up to 20001 x 3 points, ~1 MB
def descent_run(cfg: GDConfig) -> Descent:
    """Full batch, batch 1 and batch b from cfg.start on cfg's seeded data set."""
    data = make_data(cfg.n, cfg.noise, cfg.seed)
    run = gd_variants(data, cfg.batch_size, cfg.optimizer, cfg.start, cfg.length, cfg.seed, cfg.budget, lr=cfg.lr)
    return Descent(data, run, data.grid(data.box(cfg.start)))


@st.cache_data(**CACHE, hash_funcs={LRConfig: repr})
def lr_run(net: LRConfig, lr: float, steps: int) -> Curve:
    """The loss curve of net trained at a constant lr (cached per lr: moving your lr reuses the labelled ones)."""
    return lr_curve(net, lr, steps)


@st.cache_data(**CACHE, hash_funcs={LRConfig: repr})
def range_run(net: LRConfig, num_it: int) -> RangeTest:
    """The lr range test of net over num_it mini-batches, with a progress bar."""
    # The bar lives inside: a cache hit replays its creation and removal, i.e. nothing shows.
    bar = st.progress(0.0, text="Range test…")
    test = range_test(net, *LR_RANGE, num_it,
                      progress=lambda i, n: bar.progress(min(i / n, 1.0), text=f"Range test: batch {i}/{n}"))
    bar.empty()
    return test


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False, hash_funcs={CurveConfig: repr})
def dropout_run(cfg: CurveConfig) -> Curves:
    """Train and validation curves of cfg's net on its digits subset."""
    data = TrainData.from_split(load("digits", seed=cfg.seed), cfg.n_train)
    spec = NetSpec(data.n_features, data.n_classes, cfg.depth, cfg.width, "relu", "he", dropout=cfg.p)
    net = build(spec, cfg.seed)  # same seed: both nets start from identical weights
    return train(net, data, TrainSettings(cfg.epochs, cfg.lr, "adam", cfg.batch_size), cfg.seed)


@st.cache_data(max_entries=256, ttl=3600, show_spinner=False, hash_funcs={EnsembleConfig: repr})
def ensemble_member(cfg: EnsembleConfig, i: int) -> Member:
    """Member i of the ensemble (cfg.k must not matter: callers pass one fixed k)."""
    return train_member(cfg, i)


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def h_curves(seed: int, bug: str) -> dict[str, np.ndarray]:
    """Largest relative error at each of H_VALUES, in float64 and float32, and with the bug when one is planted."""
    hs = np.array(H_VALUES)
    out = {"float64": h_sweep(make_problem(seed), hs), "float32": h_sweep(make_problem(seed, torch.float32), hs)}
    if bug != "none":
        out["float64 with the bug"] = h_sweep(make_problem(seed), hs, bug)
    return out
