"""The Equations tab: each racing optimizer's rule, and one step of it with the run's numbers plugged in."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.optim.plugged import plugged
from core.optim.registry import OPTIMIZERS
from views.optimizers.data import Race
from views.ui import frame, widgets


def plugged_step(who: str, traj, k: int) -> None:
    """Step k -> k+1 of one run with its numbers, or why it cannot be shown."""
    k = min(k, len(traj.points) - 2)  # the last point has no step after it
    if traj.diverged_at is not None and k >= traj.diverged_at - 1:
        st.caption(f"{frame.diverged(who, traj.diverged_at)}, so step {k} → {k + 1} does not exist.")
        return
    step = plugged(traj, k)
    st.markdown(f"**{who}, step {k} → {k + 1}, numbers plugged in** (vectors are (x, y), operations per coordinate)")
    st.latex(r"\begin{aligned}" + r"\\[4pt]".join(step.lines) + r"\end{aligned}")
    if not np.allclose(step.result, traj.points[k + 1], rtol=1e-9, atol=1e-12):
        st.info("This step used a scheduled lr, so the rule above at the base lr lands elsewhere than the run.")


def show(race: Race, steps: int) -> None:
    """Every rule, then the same rule at the chosen step with the run's gradient, state and result."""
    k = widgets.slider("Step", 0, steps, min(10, steps), key="eq_k", help="The step whose arithmetic is shown.")
    st.caption(f"Every rule below is also written out at step {k} → {k + 1} (pick the step with the slider above) "
               "with the run's gradient, state and result plugged in; vectors are (x, y) and act per coordinate. "
               "The last line's result is the engine's next point.")
    for run, traj in zip(race.runs, race.trajs, strict=True):
        spec = OPTIMIZERS[run.optimizer]
        st.markdown(f"**{spec.title}**")
        if frame.show_equations():
            st.latex(spec.latex)
            plugged_step(spec.title, traj, k)
        st.caption(spec.note)
