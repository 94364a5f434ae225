"""The optimizer page's cached computations: a surface with its contour grid, the race, the fair race, sweep bands.

A module, not the page script: a page script runs again on every rerun, and with it each cache decorator (which
re-reads its function's source).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import streamlit as st

from core.optim.fair_race import FairRace, lr_sensitivity
from core.optim.presets import LR_GRID
from core.optim.results import TOL, paths_summary, results_table
from core.optim.run import run_batch
from core.optim.sweep import sweep
from core.optim.trajectory import Trajectory
from core.surfaces.registry import get_surface
from core.surfaces.surface import Surface
from views.optimizers import cost
from views.optimizers.config import RaceConfig, RunConfig, SurfaceConfig, SweepConfig
from views.ui import budget, cache
from viz.contour_image import image_layer
from viz.contours import finite_rows, thin
from viz.contours import landscape as heights_trace

# Frozen configs of plain values: their repr identifies them (Streamlit's own dataclass hashing is ~20x slower).
BY_REPR = {RaceConfig: repr, SurfaceConfig: repr, SweepConfig: repr}
SWEEP_X, SWEEP_Y = np.geomspace(1e-4, 1.0, 64), np.linspace(0.0, 0.99, 64)
SWEEP_BAND = 16  # rows computed (and cached) at a time
GRID_POINTS = 160  # contour resolution: finer is invisible at chart size and costs JSON
# An exact race is run ahead to the next multiple of AHEAD steps, and every shorter race is its prefix: a Steps tick
# then slices a cached run instead of running the race again (up to 200 ms at 5000 steps on a loaded server).
AHEAD = 200


@dataclass(frozen=True)
class Landscape:
    """A surface and its contour grid: xs (n,), ys (n,), z (n, n) with z[i, j] = f(xs[j], ys[i])."""

    surface: Surface
    xs: np.ndarray
    ys: np.ndarray
    z: np.ndarray

    @property
    def floor(self) -> float:
        """The loss at the lowest known minimum (or the lowest value on the grid): where the loss axis ends."""
        minima = self.surface.minima
        return float(self.surface.value(minima).min()) if len(minima) else float(np.nanmin(self.z))

    @cached_property
    def picture(self) -> dict:
        """The loss map as a plotly layout image (viz.contour_image), drawn once per surface for every chart."""
        return image_layer(self.xs, self.ys, self.z)

    @cached_property
    def heights(self) -> dict:
        """The loss map as a contour trace (viz.contours.landscape), made once per surface for the zoomed views."""
        return heights_trace(self.xs, self.ys, self.z)


@dataclass(frozen=True)
class Race:
    """The race as run: the runs with the lrs they used, path 0 of each, the other noise paths, the fair race."""

    runs: tuple[RunConfig, ...]
    trajs: list[Trajectory]  # one per run (noise path 0), every step: the step inspector opens any of them
    bundle: dict[str, list[np.ndarray]]  # title -> points (<= 401, 2) of the other noise paths, as drawn
    fair: FairRace | None  # the lr sweep behind "each at its own best lr"
    # title -> core.optim.results.paths_summary of all its noise paths at TOL (only the race itself has them all
    # at full resolution); empty for exact gradients
    spread: dict[str, dict] = field(default_factory=dict)


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs=BY_REPR)  # a Surface holds functions: shared
def landscape(cfg: SurfaceConfig) -> Landscape:
    """The surface (ValueError with a sentence if a typed one is refused) and its contour grid."""
    surface = get_surface(cfg.name, **cfg.params())
    return Landscape(surface, *surface.grid(GRID_POINTS))


@st.cache_data(max_entries=32, ttl=3600, show_spinner="Sweeping the lr of every optimizer (one batched run)…",
               hash_funcs=BY_REPR)
def fair(cfg: RaceConfig) -> FairRace:
    """Every racing optimizer at each lr of the grid (cfg.without_lrs(): the lrs do not matter here)."""
    return lr_sensitivity([(r.optimizer, r.hyper()) for r in cfg.runs], landscape(cfg.surface).surface, cfg.start,
                          cfg.steps)


def _runs(cfg: RaceConfig) -> tuple[tuple[RunConfig, ...], FairRace | None]:
    """The runs with the lrs the lr mode gives them."""
    if cfg.lr_mode == "shared":
        return tuple(replace(r, lr=cfg.shared_lr) for r in cfg.runs), None
    if cfg.lr_mode == "best":
        race = fair(cfg.without_lrs())
        return tuple(replace(r, lr=float(b)) if np.isfinite(b) else r for r, b in zip(cfg.runs, race.best,
                                                                                         strict=True)), race
    return cfg.runs, None


# Shared by every session and bounded in bytes: 13 optimizers x 5000 steps x 16 noise paths keep ~6 MB (the paths
# beyond the first only as drawn), so the budget holds five distinct heavy races and a class's light ones (at 64 MB
# the adversary of `make load` grew a replica past its 300 MB bound between 25 and 100 distinct links).
@cache.shared("optimizers.race", max_mb=32)
def _computed(cfg: RaceConfig) -> Race:
    """The race of cfg's runs at their own lrs (ValueError with a sentence for settings torch refuses)."""
    runs = cfg.runs
    schedule = None if cfg.schedule.name == "constant" else [cfg.schedule.for_lr(r.lr) for r in runs]
    trajs = run_batch([(r.optimizer, r.hyper()) for r in runs], landscape(cfg.surface).surface, cfg.start, cfg.steps,
                      schedule=schedule, **cfg.noise.run_kwargs())
    paths = cfg.noise.paths if cfg.noise.sigma else 1
    # The other noise paths are only ever drawn, faint and thinned: keep them at that resolution.
    bundle = {r.title: [thin(finite_rows(t.points)) for t in trajs[i * paths + 1:(i + 1) * paths]]
              for i, r in enumerate(runs)}
    surface = landscape(cfg.surface).surface
    spread = {r.title: paths_summary(trajs[i * paths:(i + 1) * paths], surface, TOL)
              for i, r in enumerate(runs)} if paths > 1 else {}
    return Race(runs, trajs[::paths], bundle if paths > 1 else {}, None, spread)


def prefix(traj: Trajectory, steps: int) -> Trajectory:
    """The first `steps` steps of a longer run: the run of `steps` steps itself (every step depends on the earlier
    ones only; a divergence after `steps` has not happened yet)."""
    n = steps + 1
    left = traj.diverged_at is not None and traj.diverged_at <= steps
    return replace(traj, points=traj.points[:n], losses=traj.losses[:n], grads=traj.grads[:n],
                   state={k: v[:n] for k, v in traj.state.items()}, diverged_at=traj.diverged_at if left else None,
                   escaped=traj.escaped and left)


def ahead(cfg: RaceConfig) -> int:
    """The steps to run for cfg: the next multiple of AHEAD while that fits a page run, else cfg.steps."""
    longer = -(-cfg.steps // AHEAD) * AHEAD
    fits = budget.fits_inline(cost.seconds(longer, len(cfg.runs), slower=cost.race_slower(cfg)))
    return longer if cfg.steps and fits else cfg.steps


def _run_as(cfg: RaceConfig, runs: tuple[RunConfig, ...]) -> RaceConfig:
    """The config _computed runs for cfg: its runs at their settled lrs, and exact ones for their ahead steps."""
    settled = replace(cfg, runs=runs, lr_mode="as set", shared_lr=RaceConfig.shared_lr)
    return settled if cfg.noise.sigma else replace(settled, steps=ahead(cfg))  # noisy paths: kept thinned, no prefix


def race(cfg: RaceConfig) -> Race:
    """The race (ValueError with a sentence for settings torch refuses); exact ones as the prefix of a longer run."""
    runs, fair_race = _runs(cfg)
    computed = _computed(_run_as(cfg, runs))
    if cfg.noise.sigma:
        return replace(computed, fair=fair_race)
    return Race(runs, [prefix(t, cfg.steps) for t in computed.trajs], {}, fair_race)


def cached(cfg: RaceConfig) -> bool:
    """Whether race(cfg) runs nothing (False for "best": its lr sweep is cached by Streamlit, which cannot tell)."""
    return cfg.lr_mode != "best" and cache.has(_computed, _run_as(cfg, _runs(cfg)[0]))


def seconds(cfg: RaceConfig) -> float:
    """Estimated seconds race(cfg) computes when nothing is cached: the race as run and, for "best", its lr sweep."""
    n, rows = len(cfg.runs), cfg.noise.paths if cfg.noise.sigma else 1
    steps = cfg.steps if cfg.noise.sigma else ahead(cfg)
    sweep_s = cost.seconds(cfg.steps, n, len(LR_GRID)) if cfg.lr_mode == "best" else 0.0
    return cost.seconds(steps, n, rows, slower=cost.race_slower(cfg)) + sweep_s


def results(land: Landscape, race: Race) -> list[dict]:
    """The race's results table (core.optim.results at TOL): one row per run, its noise paths' summary if any."""
    named = {r.title: t for r, t in zip(race.runs, race.trajs, strict=True)}
    return results_table(named, land.surface, TOL, race.spread)


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs=BY_REPR)
def sweep_band(cfg: SweepConfig, band: int) -> np.ndarray:
    """Rows 16 band ... 16 band + 15 of the 64 x 64 sweep's final losses (16, 64).

    Bands are cached one by one so that the page can show progress between them.
    """
    rows = slice(band * SWEEP_BAND, (band + 1) * SWEEP_BAND)
    return sweep(cfg.optimizer, landscape(cfg.surface).surface, cfg.start, cfg.steps, x=("lr", SWEEP_X),
                 y=(cfg.second, SWEEP_Y[rows]))
