"""The Sweep tab: a 64 x 64 grid of one optimizer's lr against its second hyper-parameter, final loss as colour."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.optim.registry import OPTIMIZERS
from core.optim.sweep import sweep
from views.optimizers import cost, data
from views.optimizers.config import RaceConfig, SweepConfig
from views.optimizers.data import Landscape, Race
from views.ui import budget, charts, jobs, widgets
from viz.sweep import sweep_heatmap

MAX_SWEEP_STEPS = 500  # 4096 runs of this many steps: 0.4 to 2 s (momentum to Adam), longer ones as a job


def _bands(cfg: SweepConfig) -> np.ndarray:
    """The 64 x 64 final losses, band by band under a progress bar (a sweep that fits a page run)."""
    bar = st.progress(0.0, text="sweeping 4096 runs…")
    bands, n = [], len(data.SWEEP_Y) // data.SWEEP_BAND
    for band in range(n):
        bands.append(data.sweep_band(cfg, band))
        bar.progress((band + 1) / n, text=f"sweeping 4096 runs… {(band + 1) * data.SWEEP_BAND} of 64 rows")
    bar.empty()
    return np.vstack(bands)


def _losses(cfg: SweepConfig, land: Landscape) -> np.ndarray | None:
    """The sweep inline when it fits a page run, else as a background job (about N s, progress, Cancel)."""
    runs = len(data.SWEEP_X) * len(data.SWEEP_Y)
    estimate = cost.sweep_seconds(cfg.optimizer, runs, cfg.steps)
    if budget.fits_inline(estimate):
        return _bands(cfg)
    if not budget.fits(estimate):
        st.warning(budget.refuse(estimate, f"A sweep of {runs} runs of {cfg.steps} steps", "fewer steps"))
        return None

    def work(progress) -> np.ndarray:
        return sweep(cfg.optimizer, land.surface, cfg.start, cfg.steps, x=("lr", data.SWEEP_X),
                     y=(cfg.second, data.SWEEP_Y), progress=lambda f: progress.update(f, f"{f:.0%} of {runs} runs"))

    return jobs.show(jobs.submit(f"optimizers.sweep:{cfg!r}", work, estimate_s=estimate, label="64 x 64 sweep"))


def show(cfg: RaceConfig, land: Landscape, race: Race) -> None:
    """Pick a racing optimizer that has a second hyper-parameter; the sweep runs on request."""
    offered = [r.optimizer for r in race.runs if OPTIMIZERS[r.optimizer].second] or ["momentum"]
    name = widgets.selectbox("Optimizer to sweep", offered, key="sweep_opt", format_func=lambda k: OPTIMIZERS[k].title)
    if not widgets.toggle("Run the 64 x 64 sweep (lr x second hyper-parameter)", False, key="sweep_on"):
        return
    swept = SweepConfig(cfg.surface, name, cfg.start, min(cfg.steps, MAX_SWEEP_STEPS))
    run = next((r for r in race.runs if r.optimizer == name), None)
    here = (run.lr, run.second) if run is not None and run.second is not None else None
    losses = _losses(swept, land)
    if losses is not None:
        charts.chart(sweep_heatmap(data.SWEEP_X, data.SWEEP_Y, losses, "lr", swept.second, land.floor, here),
                     "sweep")
