"""The fair race: the best lrs the race used (above the tabs) and the Fair race tab, final loss against lr."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.optim.presets import LR_GRID
from views.optimizers import data
from views.optimizers.config import RaceConfig
from views.optimizers.data import Landscape, Race
from views.ui import charts, widgets
from viz.lr_sensitivity import sensitivity_chart

ILLUSTRATION = ("A race on a 2-D surface is an illustration of *how* each rule moves, not a way to choose an "
                "optimizer: real losses have millions of dimensions, noise and other curvature, and the best lr here "
                "says nothing about the best lr there.")


def best_lrs(cfg: RaceConfig, race: Race) -> None:
    """Which lr each optimizer got in a fair race, and who diverged at every lr of the grid."""
    if race.fair is None:
        return
    shown = ", ".join(f"{r.title} {r.lr:g}" for r in race.runs)
    st.caption(f"Best lr over {len(LR_GRID)} values from {LR_GRID[0]:g} to {LR_GRID[-1]:g} (lowest final loss after "
               f"{cfg.steps} steps from this start): {shown}.")
    lost = [r.title for r, b in zip(race.runs, race.fair.best, strict=True) if np.isnan(b)]
    if lost:
        st.warning("Every lr of the grid diverged for: " + ", ".join(lost) + "; it keeps its own lr.")


def show(cfg: RaceConfig, land: Landscape, race: Race) -> None:
    """lr sensitivity: final loss against lr for every racing optimizer, best marked."""
    st.markdown("How sensitive is each optimizer to its learning rate? Every optimizer runs at each of "
                f"{len(LR_GRID)} log-spaced lrs ({LR_GRID[0]:g} … {LR_GRID[-1]:g}) from the same start for the same "
                "number of steps, all in one batched run. A flat, wide valley means forgiving; a narrow one "
                "means the race result depends mostly on the lr you happened to pick.")
    st.info(ILLUSTRATION)
    if cfg.lr_mode != "best" and not widgets.toggle("Compute the lr sensitivity", False, key="lrsens"):
        return
    fair = race.fair or data.fair(cfg.without_lrs())
    used = {r.title: r.lr for r in race.runs}
    floor = land.floor if len(land.surface.minima) else None
    charts.chart(sensitivity_chart([r.title for r in race.runs], fair.lrs, fair.final, fair.best, floor, used),
                 "lr_sensitivity")
    if floor is None:
        st.caption("This surface has no minimum (it is unbounded below), so the chart shows the final loss itself.")
