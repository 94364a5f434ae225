"""Optimizer page sections: fair-race lr modes, state over time, Nesterov's look-ahead and plugged-in equations."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.fair_race import GRID, FairRace, at_best, lr_sensitivity, shared
from core.lookahead import lookahead
from core.optim_plugged import plugged
from core.optim_state import STEP_SIZE_TEX, series
from core.optimizers import OPTIMIZERS
from views import _ui as ui
from viz.lookahead import lookahead_view
from viz.lr_sensitivity import sensitivity_chart
from viz.state_time import state_time

LR_MODES = {"as set": "each lr as set on the left", "shared": "one shared lr", "best": "each at its own best lr"}
ILLUSTRATION = ("A race on a 2-D surface is an illustration of *how* each rule moves, not a way to choose an "
                "optimizer: real losses have millions of dimensions, noise and other curvature, and the best lr here "
                "says nothing about the best lr there.")


def _without_lr(configs: tuple) -> tuple:
    """Configs minus their lr: the sweep replaces it, so the cache should not depend on it."""
    return tuple((n, tuple((a, b) for a, b in h if a != "lr")) for n, h in configs)


@st.cache_data(max_entries=32, ttl=3600, show_spinner="Sweeping the lr of every optimizer (one batched run)…")
def _fair(key: tuple, configs: tuple, start: tuple, steps: int, _surface) -> FairRace:
    return lr_sensitivity([(n, dict(h)) for n, h in configs], _surface, start, steps)


def _pack(configs: list[tuple[str, dict]]) -> tuple:
    return tuple((n, tuple(sorted(h.items()))) for n, h in configs)


def lr_mode(key: tuple, configs: tuple, start: tuple, steps: int, surface) -> tuple[tuple, str]:
    """The race's lr mode (as set / one shared / each its best): returns the configs to race and the mode."""
    mode = ui.radio("Learning rates", list(LR_MODES), key="lrmode", format_func=LR_MODES.get, horizontal=True,
                    help="A fair race gives every optimizer its own best lr, found by a sweep over a log grid.")
    if mode == "shared":
        lr = ui.select_slider("Shared lr", list(GRID), 0.01, key="lr_all", format_func=lambda v: f"{v:g}")
        return _pack(shared([(n, dict(h)) for n, h in configs], lr)), mode
    if mode == "best" and configs:
        try:
            race = _fair(key, _without_lr(configs), start, steps, surface)
        except ValueError:  # a setting torch refuses: the race below says which
            return configs, mode
        best = _pack(at_best([(n, dict(h)) for n, h in configs], race))
        shown = ", ".join(f"{OPTIMIZERS[n].title} {dict(h)['lr']:g}" for n, h in best)
        st.caption(f"Best lr over {len(GRID)} values from {GRID[0]:g} to {GRID[-1]:g} (lowest final loss after "
                   f"{steps} steps from this start): {shown}.")
        if np.isnan(race.best).any():
            st.warning("Every lr of the grid diverged for: " + ", ".join(
                OPTIMIZERS[n].title for n, b in zip(race.names, race.best, strict=True) if np.isnan(b))
                + "; it keeps its own lr.")
        return best, mode
    return configs, mode


def fair_tab(key: tuple, configs: tuple, start: tuple, steps: int, surface, floor: float | None, mode: str) -> None:
    """lr sensitivity: final loss against lr for every racing optimizer, best marked."""
    st.markdown("How sensitive is each optimizer to its learning rate? Every optimizer runs at each of "
                f"{len(GRID)} log-spaced lrs ({GRID[0]:g} … {GRID[-1]:g}) from the same start for the same "
                "number of steps, all in one batched run. A flat, wide valley means forgiving; a narrow one "
                "means the race result depends mostly on the lr you happened to pick.")
    st.info(ILLUSTRATION)
    if mode != "best" and not ui.toggle("Compute the lr sensitivity", False, key="lrsens"):
        return
    race = _fair(key, _without_lr(configs), start, steps, surface)
    used = {OPTIMIZERS[n].title: dict(h)["lr"] for n, h in configs}
    names = [OPTIMIZERS[n].title for n in race.names]
    st.plotly_chart(sensitivity_chart(names, race.lrs, race.final, race.best, floor, used))
    if floor is None:
        st.caption("This surface has no minimum (it is unbounded below), so the chart shows the final loss itself.")


def _scheduled() -> bool:
    """Whether the page's lr schedule (views._opt_noise, key sch_name) changes the lr during the run."""
    return st.session_state.get("sch_name", "constant") not in ("constant", None)


SCHEDULED = ("An lr schedule is on: the effective step sizes here use the base lr; multiply them by the schedule's "
             "factor at each step (its chart is on the left).")


def state_tab(titles: list[str], trajs: list) -> None:
    """State over time of one optimizer: buffers, their bias-corrected forms, effective step size."""
    default = next((i for i, tr in enumerate(trajs) if tr.optimizer == "adam"), 0)
    who = ui.selectbox("Optimizer", titles, key="st_opt", index=default)
    tr = trajs[titles.index(who)]
    logx = ui.toggle("Log step axis (zoom into the first steps)", True, key="st_logx")
    if _scheduled():
        st.info(SCHEDULED)
    st.plotly_chart(state_time(who, series(tr), None, logx))
    st.latex(r"\text{effective step size} = " + STEP_SIZE_TEX[tr.optimizer])
    st.markdown(
        "The **effective step size** is the factor each coordinate's step is multiplied by, computed from the "
        "optimizer's state exactly as torch computes its denominator. **Adagrad** divides by the root of the *sum* "
        "of all squared gradients so far: that sum can only grow, so its step size can only shrink, and on a long "
        "run it crawls. **RMSprop** and **Adam** use a *decaying average* instead, so their step size recovers. "
        "**Adam's bias correction**: m and v start at 0, so after one step m = 0.1 g and v = 0.001 g² (with the "
        "default betas): far too small. Dividing by 1 − β₁ᵗ and 1 − β₂ᵗ undoes that start (the corrected m̂ = g "
        "and v̂ = g² at step 1, so the first step is lr · sign(g)); the two factors tend to 1 and after a few "
        "hundred steps corrected and uncorrected agree. Compare the left and right panels on the log step axis.")


NESTEROV_TEXT = (
    "**torch's Nesterov vs the look-ahead picture.** The classic description: from the iterate φ, first jump along "
    "the momentum μv to the *look-ahead point* φ + μv, take the gradient there, then update "
    "v ← μv − lr·∇f(φ + μv) and φ ← φ + v. torch's `SGD(nesterov=True)` never leaves its point: it keeps "
    "b ← μb + g and steps θ ← θ − lr·(g + μb). They are the same method: with v = −lr·b, set θ = φ + μv. "
    "Substituting turns the two classic lines into torch's one, so **torch's θ is the look-ahead point**, its "
    "gradient g at θ is the look-ahead gradient, and the classic iterate is φ = θ + lr·μ·b. The picture rebuilds "
    "φ from torch's state and draws both constructions from it exactly: the shared momentum jump (green), then "
    "the gradient step taken at the look-ahead (Nesterov, orange) or at the anchor (plain momentum, pink).")


def inspector_extras(xs, ys, z, surface, who: str, tr, k: int) -> None:
    """Below the step inspector: the look-ahead picture (momentum rules) and this step with numbers plugged in."""
    h = tr.hyper
    k = min(k, len(tr.points) - 2)
    alive = tr.diverged_at is None or k < tr.diverged_at - 1
    if alive and tr.optimizer in ("momentum", "nesterov", "sgd") and h.get("momentum", 0.0) > 0:
        la = lookahead(tr, surface, k)
        st.plotly_chart(lookahead_view(xs, ys, z, la, k))
        gap = float(np.linalg.norm(la.nesterov_next - la.plain_next))
        st.caption(f"Gradient at the look-ahead ({la.grad_look[0]:.4g}, {la.grad_look[1]:.4g}) vs at the anchor "
                   f"({la.grad_here[0]:.4g}, {la.grad_here[1]:.4g}); the two landing points are {gap:.3g} apart. "
                   "The difference is largest where the gradient changes fast along the momentum jump.")
        st.markdown(NESTEROV_TEXT)
    if st.session_state.get("eq", True):  # the sidebar's "Show equations"
        _plugged(who, tr, k)


def _plugged(who: str, tr, k: int) -> None:
    """One step of one optimizer with its numbers, or why it cannot be shown."""
    k = min(k, len(tr.points) - 2)  # the last point has no step after it
    if tr.diverged_at is not None and k >= tr.diverged_at - 1:
        st.caption(f"{ui.diverged(who, tr.diverged_at)}, so step {k} → {k + 1} does not exist.")
        return
    step = plugged(tr, k)
    st.markdown(f"**{who}, step {k} → {k + 1}, numbers plugged in** (vectors are (x, y), operations per coordinate)")
    st.latex(r"\begin{aligned}" + r"\\[4pt]".join(step.lines) + r"\end{aligned}")
    if not np.allclose(step.result, tr.points[k + 1], rtol=1e-9, atol=1e-12):
        st.info("This step used a scheduled lr, so the rule above at the base lr lands elsewhere than the run.")


def equations(configs: tuple, trajs: list, k: int) -> None:
    """Each racing optimizer's rule, then the same rule at step k with the run's numbers substituted."""
    show = st.session_state.get("eq", True)
    st.caption(f"Every rule below is also written out at step {k} → {k + 1} (pick the step with the slider above) "
               "with the run's gradient, state and result plugged in; vectors are (x, y) and act per coordinate. "
               "The last line's result is the engine's next point.")
    for (n, _), tr in zip(configs, trajs, strict=True):
        spec = OPTIMIZERS[n]
        st.markdown(f"**{spec.title}**")
        if show:
            st.latex(spec.latex)
            _plugged(spec.title, tr, k)
        st.caption(spec.note)
