"""The Step inspector tab: one run at one step (gradient, update, state), Nesterov's look-ahead, the step's numbers."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.optim.lookahead import lookahead
from views.optimizers.data import Landscape, Race
from views.optimizers.equations import plugged_step
from views.ui import charts, frame, widgets
from viz.inspector import state_lines, step_view
from viz.lookahead import lookahead_view

NESTEROV_TEXT = (
    "**torch's Nesterov vs the look-ahead picture.** The classic description: from the iterate φ, first jump along "
    "the momentum μv to the *look-ahead point* φ + μv, take the gradient there, then update "
    "v ← μv − lr·∇f(φ + μv) and φ ← φ + v. torch's `SGD(nesterov=True)` never leaves its point: it keeps "
    "b ← μb + g and steps θ ← θ − lr·(g + μb). They are the same method: with v = −lr·b, set θ = φ + μv. "
    "Substituting turns the two classic lines into torch's one, so **torch's θ is the look-ahead point**, its "
    "gradient g at θ is the look-ahead gradient, and the classic iterate is φ = θ + lr·μ·b. The picture rebuilds "
    "φ from torch's state and draws both constructions from it exactly: the shared momentum jump (green), then "
    "the gradient step taken at the look-ahead (Nesterov, orange) or at the anchor (plain momentum, pink).")


def _look_ahead(land: Landscape, traj, k: int) -> None:
    """The classic momentum picture of this step, for runs with momentum."""
    la = lookahead(traj, land.surface, k)
    charts.chart(lookahead_view(land.xs, land.ys, land.z, la, k), "lookahead")
    gap = float(np.linalg.norm(la.nesterov_next - la.plain_next))
    st.caption(f"Gradient at the look-ahead ({la.grad_look[0]:.4g}, {la.grad_look[1]:.4g}) vs at the anchor "
               f"({la.grad_here[0]:.4g}, {la.grad_here[1]:.4g}); the two landing points are {gap:.3g} apart. "
               "The difference is largest where the gradient changes fast along the momentum jump.")
    st.markdown(NESTEROV_TEXT)


def show(land: Landscape, race: Race, steps: int) -> None:
    """Pick a run and a step: its point, gradient and update on the contour, its state, and the extras."""
    titles = [r.title for r in race.runs]
    who = widgets.selectbox("Optimizer to inspect", titles, key="inspect")
    traj = race.trajs[titles.index(who)]
    last = (traj.diverged_at or steps + 1) - 1
    k = min(widgets.slider("Step", 0, max(1, last), min(10, last), key="k"), last)
    charts.chart(step_view(land.xs, land.ys, land.z, who, traj.points, traj.grads, traj.state, k,
                           land.surface.minima, heights=land.heights), "step_view")
    charts.chart(state_lines(who, traj.state, k), "state_lines")
    k = min(k, len(traj.points) - 2)
    alive = traj.diverged_at is None or k < traj.diverged_at - 1
    if alive and traj.optimizer in ("momentum", "nesterov", "sgd") and traj.hyper.get("momentum", 0.0) > 0:
        _look_ahead(land, traj, k)
    if frame.show_equations():
        plugged_step(who, traj, k)
