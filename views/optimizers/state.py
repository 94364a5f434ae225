"""The State over time tab: one optimizer's buffers, their bias-corrected forms and its effective step size."""

from __future__ import annotations

import streamlit as st

from core.optim.registry import OPTIMIZERS
from core.optim.state import series
from views.optimizers.config import RaceConfig
from views.optimizers.data import Race
from views.ui import charts, widgets
from viz.state_time import state_time

SCHEDULED = ("An lr schedule is on: the effective step sizes here use the base lr; multiply them by the schedule's "
             "factor at each step (drawn on the left, or above the tabs for a schedule that follows the loss).")
TEXT = (
    "The **effective step size** is the factor each coordinate's step is multiplied by, computed from the "
    "optimizer's state exactly as torch computes its denominator. **Adagrad** divides by the root of the *sum* "
    "of all squared gradients so far: that sum can only grow, so its step size can only shrink, and on a long "
    "run it crawls. **RMSprop** and **Adam** use a *decaying average* instead, so their step size recovers. "
    "**Adam's bias correction**: m and v start at 0, so after one step m = 0.1 g and v = 0.001 g² (with the "
    "default betas): far too small. Dividing by 1 − β₁ᵗ and 1 − β₂ᵗ undoes that start (the corrected m̂ = g "
    "and v̂ = g² at step 1, so the first step is lr · sign(g)); the two factors tend to 1 and after a few "
    "hundred steps corrected and uncorrected agree. Compare the left and right panels on the log step axis.")


def show(cfg: RaceConfig, race: Race) -> None:
    """The chosen optimizer's state against step (Adam first when it races), and what the step size means."""
    titles = [r.title for r in race.runs]
    default = next((i for i, tr in enumerate(race.trajs) if tr.optimizer == "adam"), 0)
    who = widgets.selectbox("Optimizer", titles, key="st_opt", index=default)
    traj = race.trajs[titles.index(who)]
    logx = widgets.toggle("Log step axis (zoom into the first steps)", True, key="st_logx")
    if cfg.schedule.name != "constant":
        st.info(SCHEDULED)
    charts.chart(state_time(who, series(traj), None, logx), "state_time")
    st.latex(r"\text{effective step size} = " + OPTIMIZERS[traj.optimizer].step_tex)
    st.markdown(TEXT)
