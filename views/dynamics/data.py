"""The cached runs of the training-dynamics page: descent variants, lr curves and range test, dropout runs,
ensemble members, the gradient check's h sweep."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import streamlit as st
import torch

from core.datasets import load
from core.ensembles import EnsembleConfig, Member, train_member
from core.gradcheck import h_sweep, make_problem
from core.linear_regression import GDRun, LinearData, gd_variants, make_data
from core.lr_range import Curve, LRConfig, RangeTest, lr_curve, range_test
from core.networks import NetSpec, build
from core.optim.engine import MAX_STEPS
from core.train_loop import Curves, Fit, TrainData, TrainSettings, train_together
from views.dynamics.config import H_VALUES, CurveConfig, GDConfig
from views.ui import cache, payload
from viz.contour_image import image_layer
from viz.theme import plain

CACHE = dict(max_entries=128, ttl=3600, show_spinner=False)
LR_RANGE = (1e-5, 10.0)  # the range test sweeps these four decades and a bit (fastai: 1e-7 to 10)


# A Steps or Epochs tick must not rerun the descent: each setting is run ahead to the next of these lengths and cut
# (a run's first k updates do not depend on how many follow), so ~30 ticks of the slider share one run.
AHEAD = {"steps": (250, 500, 1000, 2000), "epochs": (5, 10, 25, 50, 100)}


@dataclass(frozen=True)
class Descent:
    """The data set, the three runs, the loss grid (ws, bs, z) of the box around them and its map (a layout image)."""

    data: LinearData
    run: GDRun
    grid: tuple[np.ndarray, np.ndarray, np.ndarray]
    picture: dict


def _lengths(cfg: GDConfig) -> list[int]:
    """The lengths of the runs cfg may be cut from, shortest first: AHEAD's within MAX_STEPS updates, or its own."""
    per_update = cfg.n if cfg.budget == "epochs" else 1  # the stochastic run's updates per unit of length
    return [k for k in AHEAD.get(cfg.budget, ()) if cfg.length <= k and k * per_update <= MAX_STEPS] or [cfg.length]


def ahead(cfg: GDConfig) -> int:
    """The length (steps or epochs) of the run cfg is cut from: the next AHEAD length within MAX_STEPS updates."""
    return _lengths(cfg)[0]


def _source(cfg: GDConfig) -> GDConfig | None:
    """The shortest run held in the cache that cfg can be cut from (a tick down cuts the run it came from), if any."""
    return next((r for k in _lengths(cfg) if cache.has(_run_ahead, r := replace(cfg, length=k))), None)


def held(cfg: GDConfig) -> bool:
    """Whether ``descent_run(cfg)`` runs no descent: a run it is cut from is cached (a cut costs ~1 ms)."""
    return _source(cfg) is not None


def cut(run: GDRun, own: tuple[int, ...]) -> GDRun:
    """The first own[i] updates of each variant of run (own[i] <= run.steps[i]), as if it had stopped there."""
    total = max(own)
    t = np.arange(total + 1)[:, None]
    after = t > np.array(own)[None, :]
    points, losses = run.points[:total + 1].copy(), run.losses[:total + 1].copy()
    points[after], losses[after] = np.nan, np.nan
    diverged = tuple(k if k is not None and k <= o else None for k, o in zip(run.diverged_at, own, strict=True))
    return replace(run, points=points, losses=losses, steps=own, diverged_at=diverged)


@cache.shared("dynamics_descent", max_mb=48)  # a run ahead: up to 20001 x 3 points, ~1.4 MB
def _run_ahead(cfg: GDConfig) -> GDRun:
    data = make_data(cfg.n, cfg.noise, cfg.seed)
    return gd_variants(data, cfg.batch_size, cfg.optimizer, cfg.start, cfg.length, cfg.seed, cfg.budget, lr=cfg.lr)


@cache.shared("dynamics_bowl", max_mb=16)  # the grid and its PNG: ~0.4 MB per (data set, start)
def _bowl(n: int, noise: float, seed: int, start: tuple[float, float]) -> tuple[tuple, dict]:
    data = make_data(n, noise, seed)
    grid = data.grid(data.box(start))
    return grid, image_layer(*grid)


def descent_run(cfg: GDConfig) -> Descent:
    """Full batch, batch 1 and batch b from cfg.start on cfg's seeded data set (cut from a run ahead)."""
    data = make_data(cfg.n, cfg.noise, cfg.seed)  # validates n and noise before anything is run
    long = _run_ahead(_source(cfg) or replace(cfg, length=ahead(cfg)))  # a cut of any longer run is the same
    per_epoch = long.steps_per_epoch
    own = tuple(cfg.length * k for k in per_epoch) if cfg.budget == "epochs" else (cfg.length,) * len(per_epoch)
    grid, picture = _bowl(cfg.n, cfg.noise, cfg.seed, cfg.start)
    return Descent(data, cut(long, own), grid, picture)


@cache.shared("dynamics_figures", max_mb=32, key=lambda args, kw: args[0])
def _spec(key: str, build: Callable) -> dict:
    return payload.seal(plain(build()))


def figure(name: str, inputs, build: Callable) -> dict:
    """The plain spec of ``build()`` (no arguments), built once for every session: ``inputs`` (frozen configs and
    plain values) must determine the figure."""
    return _spec(repr((name, inputs)), build)


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


class Unfinished(Exception):
    """A run stopped at its deadline: the cache does not keep it, so the next ask trains it again."""


def _key(cfg, *args) -> str:
    return repr(((cfg, *args), []))  # views.ui.cache's default key of fn(cfg, *args) (cache.has looks it up)


# Process-wide caches (views.ui.cache), not st.cache_data: a heavy run is computed by a background job's thread.
@cache.shared("dynamics_dropout", max_mb=8)  # four curves of at most 151 epochs: a few kB per run
def dropout_run(cfg: CurveConfig) -> Curves:
    """Train and validation curves of cfg's net on its digits subset."""
    return train_together([_fit(cfg)])[0]


def _fit(cfg: CurveConfig) -> Fit:
    data = TrainData.from_split(load("digits", seed=cfg.seed), cfg.n_train)
    spec = NetSpec(data.n_features, data.n_classes, cfg.depth, cfg.width, "relu", "he", dropout=cfg.p)
    net = build(spec, cfg.seed)  # same seed: both nets start from identical weights
    return Fit(net, data, TrainSettings(cfg.epochs, cfg.lr, "adam", cfg.batch_size), cfg.seed)


def dropout_runs(runs: dict[str, CurveConfig], *, tick: Callable[[float, str], None] | None = None,
                 stop_at: float | None = None) -> dict[str, Curves]:
    """Each run's curves: cached ones as they are, the others trained together an epoch each in turn, so a stop
    before ``stop_at`` leaves them at the same epoch; the finished ones are cached for everyone."""
    todo = list(dict.fromkeys(r for r in runs.values() if not cache.has(dropout_run, r)))  # p = 0: one run
    report = None if tick is None else lambda e, n: tick(e / n, f"epoch {e} of {n}")
    trained = dict(zip(todo, train_together([_fit(r) for r in todo], stop_at=stop_at, tick=report), strict=True))
    for r, curves in trained.items():
        if curves.complete:
            dropout_run.store.get(_key(r), lambda c=curves: c)
    return {k: trained[r] if r in trained else dropout_run(r) for k, r in runs.items()}


# The deadline is no part of a member: a member that stopped at it raises Unfinished and is not kept.
@cache.shared("dynamics_members", max_mb=24, key=lambda args, kwargs: _key(*args))  # 450 x 10 floats: 36 kB each
def ensemble_member(cfg: EnsembleConfig, i: int, *, stop_at: float | None = None) -> Member:
    """Member i of the ensemble (cfg.k must not matter: callers pass one fixed k); Unfinished if it stopped."""
    member = train_member(cfg, i, stop_at=stop_at)
    if member is None:
        raise Unfinished(f"member {i + 1} stopped at its deadline")
    return member


def cached_member(shared: EnsembleConfig) -> Callable[..., Member | None]:
    """``member(cfg, i, stop_at=)`` for core.ensembles.train_members: ensemble_member of ``shared`` (the fixed-k
    recipe, so growing K reuses the cached members), None if it stopped at its deadline."""
    def member(cfg: EnsembleConfig, i: int, *, stop_at: float | None = None) -> Member | None:
        try:
            return ensemble_member(shared, i, stop_at=stop_at)
        except Unfinished:
            return None
    return member


def members_missing(shared: EnsembleConfig, k: int) -> int:
    """How many of the first k members of ``shared`` (the fixed-k recipe ensemble_member takes) are not cached."""
    return sum(not cache.has(ensemble_member, shared, i) for i in range(k))


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def h_curves(seed: int, bug: str) -> dict[str, np.ndarray]:
    """Largest relative error at each of H_VALUES, in float64 and float32, and with the bug when one is planted."""
    hs = np.array(H_VALUES)
    out = {"float64": h_sweep(make_problem(seed), hs), "float32": h_sweep(make_problem(seed, torch.float32), hs)}
    if bug != "none":
        out["float64 with the bug"] = h_sweep(make_problem(seed), hs, bug)
    return out
