"""The Sweep tab: a 64 x 64 grid of one optimizer's lr against its second hyper-parameter, final loss as colour."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.optim.registry import OPTIMIZERS
from views.optimizers import data
from views.optimizers.config import RaceConfig, SweepConfig
from views.optimizers.data import Landscape, Race
from views.ui import charts, widgets
from viz.sweep import sweep_heatmap

MAX_SWEEP_STEPS = 500  # 4096 runs of this many steps: about a second


def _bands(cfg: SweepConfig) -> np.ndarray:
    """The 64 x 64 final losses, band by band under a progress bar."""
    bar = st.progress(0.0, text="sweeping 4096 runs…")
    bands, n = [], len(data.SWEEP_Y) // data.SWEEP_BAND
    for band in range(n):
        bands.append(data.sweep_band(cfg, band))
        bar.progress((band + 1) / n, text=f"sweeping 4096 runs… {(band + 1) * data.SWEEP_BAND} of 64 rows")
    bar.empty()
    return np.vstack(bands)


def show(cfg: RaceConfig, land: Landscape, race: Race) -> None:
    """Pick a racing optimizer that has a second hyper-parameter; the sweep runs on request."""
    offered = [r.optimizer for r in race.runs if OPTIMIZERS[r.optimizer].second] or ["momentum"]
    name = widgets.selectbox("Optimizer to sweep", offered, key="sweep_opt", format_func=lambda k: OPTIMIZERS[k].title)
    if not widgets.toggle("Run the 64 x 64 sweep (lr x second hyper-parameter)", False, key="sweep_on"):
        return
    sweep = SweepConfig(cfg.surface, name, cfg.start, min(cfg.steps, MAX_SWEEP_STEPS))
    run = next((r for r in race.runs if r.optimizer == name), None)
    here = (run.lr, run.second) if run is not None and run.second is not None else None
    charts.chart(sweep_heatmap(data.SWEEP_X, data.SWEEP_Y, _bands(sweep), "lr", sweep.second, land.floor, here),
                 "sweep")
