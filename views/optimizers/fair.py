"""The fair race: the best lrs the race used (above the tabs) and the Fair race tab, final loss against lr."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.optim.fair_race import FairRace, lr_sensitivity
from core.optim.presets import LR_GRID
from core.optim.registry import OPTIMIZERS
from views.optimizers import cost, data
from views.optimizers.config import RaceConfig
from views.optimizers.data import Landscape, Race
from views.ui import budget, charts, jobs, widgets
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


def _sensitivity(cfg: RaceConfig) -> FairRace | None:
    """The lr sweep: inline when it fits a page run, else a background job (progress, Cancel), else refused."""
    n, rows = len(cfg.runs), len(LR_GRID)
    estimate = cost.seconds(cfg.steps, n, rows)
    if budget.fits_inline(estimate):
        return data.fair(cfg)
    if not budget.fits(estimate):
        st.warning(budget.refuse(estimate, f"The lr sensitivity of {n} optimizers over {cfg.steps} steps",
                                 f"{cost.most_steps(n, rows, cfg.steps)} steps"))
        return None
    surface, configs = data.landscape(cfg.surface).surface, [(r.optimizer, r.hyper()) for r in cfg.runs]

    def sweep(progress) -> FairRace:  # one optimizer at a time, so the bar moves and Cancel is heard
        parts = []
        for i, c in enumerate(configs):
            progress.update(i / n, f"{OPTIMIZERS[c[0]].title}, {i + 1} of {n}")
            parts.append(lr_sensitivity([c], surface, cfg.start, cfg.steps))
        return FairRace(tuple(p.names[0] for p in parts), parts[0].lrs, np.vstack([p.final for p in parts]),
                        np.concatenate([p.best for p in parts]), np.concatenate([p.best_loss for p in parts]))

    return jobs.show(jobs.submit(f"optimizers.fair:{cfg!r}", sweep, estimate_s=estimate, label="lr sensitivity"))


def show(cfg: RaceConfig, land: Landscape, race: Race) -> None:
    """lr sensitivity: final loss against lr for every racing optimizer, best marked."""
    st.markdown("How sensitive is each optimizer to its learning rate? Every optimizer runs at each of "
                f"{len(LR_GRID)} log-spaced lrs ({LR_GRID[0]:g} … {LR_GRID[-1]:g}) from the same start for the same "
                "number of steps, all in one batched run. A flat, wide valley means forgiving; a narrow one "
                "means the race result depends mostly on the lr you happened to pick.")
    st.info(ILLUSTRATION)
    if cfg.lr_mode != "best" and not widgets.toggle("Compute the lr sensitivity", False, key="lrsens"):
        return
    fair = race.fair or _sensitivity(cfg.without_lrs())
    if fair is None:  # running in the background, cancelled or refused: the job or the sentence says which
        return
    used = {r.title: r.lr for r in race.runs}
    floor = land.floor if len(land.surface.minima) else None
    charts.chart(sensitivity_chart([r.title for r in race.runs], fair.lrs, fair.final, fair.best, floor, used),
                 "lr_sensitivity")
    if floor is None:
        st.caption("This surface has no minimum (it is unbounded below), so the chart shows the final loss itself.")
