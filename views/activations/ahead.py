"""The mean's next notches, ahead of the student: the explorer's charts carry their figures at the means one notch
either side (views.ui.charts.Ahead), which the browser draws the moment the thumb moves; after a run, a background
job (yielding to page runs) computes what the next tick will want and this run left out.

A fresh mean costs ~0.05-0.1 s (f and f' against the density, 20 000 samples pushed through, 4000 random paths
through depth; GELU ~3x), most of a tick's server time: a neighbour is computed inside the run only when cheap, and
the job keeps a drag's next notches cached, so a tick's own run and its neighbours are cache hits.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import streamlit as st

from views.activations import data
from views.activations.config import ActConfig, DepthConfig, notch
from views.activations.controls import MEAN, MEAN_RANGE
from views.ui import cache, charts, jobs

_LAST = "_act_last_mu"  # session_state: the mean of this session's previous run, for the direction of the drag
AHEAD_S = 0.1  # the most a neighbour's missing figures may cost (estimated) to be computed inside the run
# Seconds of one mean's pieces (2-core box, warm): explorer chart, push chart, depth chart at one layer, each further
# layer, E|f'| (a number); GELU's exact erf makes each ~3x slower (its neighbours wait for the job).
EXPLORER_S, PUSH_S, DEPTH_S, LAYER_S, SLOPE_S = 0.012, 0.017, 0.022, 0.0006, 0.01
SLOWER = {"gelu": 3.0}


def notches(cfg: ActConfig, *steps: int) -> list[ActConfig]:
    """``cfg`` at the means ``steps`` notches away, as the slider hands them over (its browser rounds a moved value
    to the step's decimals: 0.3 + 0.1 gives 0.4, never 0.30000000000000004 + ...), those within its range; none off
    its grid (a link's 0.25: a tick snaps it onto the grid, to no neighbour of 0.25)."""
    low, high, step = MEAN_RANGE
    if abs(cfg.mu / step - round(cfg.mu / step)) > 1e-6:
        return []
    means = [round(cfg.mu + k * step, 10) for k in steps]
    return [dataclasses.replace(cfg, mu=notch(mu)) for mu in means if low <= mu <= high]


def _missing(cfg: ActConfig, layers: int, charts_only: bool = False) -> list[tuple[Callable, object, float]]:
    """(cached function, argument, estimated seconds) of what a run at ``cfg`` reads and the caches lack: its three
    charts, then E|f'| (a number under the charts)."""
    parts = [(data.explorer_figure, cfg, EXPLORER_S), (data.push_figure, cfg, PUSH_S),
             (data.depth_figure, DepthConfig(cfg, layers), DEPTH_S + LAYER_S * layers)]
    parts += [] if charts_only else [(data.mean_slope, cfg, SLOPE_S)]
    slower = SLOWER.get(cfg.name, 1.0)
    return [(fn, arg, s * slower) for fn, arg, s in parts if not cache.has(fn, arg)]


def beside(cfg: ActConfig, layers: int) -> list[ActConfig]:
    """The means one notch below and above whose charts are cached or cheap enough to compute in this run."""
    return [c for c in notches(cfg, -1, 1) if sum(s for *_, s in _missing(c, layers, charts_only=True)) <= AHEAD_S]


def figures(build: Callable[[ActConfig], dict], near: list[ActConfig], at: float) -> charts.Ahead:
    """What a chart drawn by ``build(cfg)`` (a cached figure) shows at the means ``near`` this one, from the very
    caches a run at each of them reads."""
    return charts.Ahead(MEAN, at, {c.mu: build(c) for c in near})


def prepare(cfg: ActConfig, layers: int) -> None:
    """Compute, in a background job, what the next tick in this session's direction of travel (up at first) reads
    and the caches lack: its own mean (when too costly for this run), the one after it (that tick's neighbour), the
    one behind (E|f'| included: that tick's own run is then a cache hit)."""
    last = st.session_state.get(_LAST)
    st.session_state[_LAST] = cfg.mu
    way = -1 if last is not None and cfg.mu < last else 1
    todo = [part for c in notches(cfg, way, 2 * way, -way) for part in _missing(c, layers)]
    if not todo:
        return

    def work(progress: jobs.Progress) -> None:
        # One piece at a time, yielding to page runs between them (never inside one: a tick asking for this very
        # value waits for it in the cache, and a job pausing then would hold it up).
        for i, (fn, arg, _) in enumerate(todo):
            progress.update(i / len(todo), "next mean")
            try:
                fn(arg)
            except ValueError:  # a value the core refuses: the tick to it will say so itself
                return

    jobs.submit(f"activations.ahead:{[arg for _, arg, _ in todo]!r}", work,
                estimate_s=sum(s for *_, s in todo), label="Next mean")
