"""The "Optimizers on a real net" tab: several torch.optim rules train the digits net from the same weights on the
same batches; loss and accuracy curves, then the paths over the loss of Li et al.'s PCA plane.

Settings (URL keys ``rr_*``) -> ``RaceConfig`` / ``PlaneConfig`` -> the race inline when its measured cost fits a
page run, else a background job (estimate, progress, Cancel; results shared), else refused with the steps that fit;
the plane the same way. The sentences above each chart are ``race_claims`` / ``plane_claims``, read from the data.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.optim.presets import COURSE, LR_GRID
from core.optim.registry import OPTIMIZERS
from core.real_race import DEFAULT_LR
from core.trajectory_plane import PLANES
from views.ui import budget, charts, frame, jobs, widgets
from views.why_bn import data
from views.why_bn import race_cost as cost
from views.why_bn.config import NETS, PlaneConfig, RaceConfig
from viz.real_race import curves_figure, plane_figure

INTRO = (
    "The same digits network (the BN paper's 3 × 100 sigmoid MLP, or a small CNN) starts from **one set of "
    "weights** and sees **the same mini-batches**; each optimizer trains its own copy with the real `torch.optim` "
    "class at its own learning rate. Below the curves, every path is drawn over the loss the way Li et al. (2018, "
    "Sec. 7) draw a training trajectory: projected on the top two principal directions of the recorded weights, "
    "centred on the final weights of the best run, over the training loss of that plane.")
DEFAULT_RULES = ("sgd", "adam")
NET_CHOICES = {"none": "no normalization", "batch": "batch norm", "both": "both (same axes)"}
ARCH_CHOICES = {"mlp": "3 × 100 MLP", "cnn": "small CNN"}
GRIDS = (21, 31, 41, 61)
EXAMPLES = {"course": dict(rr_rules=list(COURSE), rr_net="none", rr_steps=50)}
CLEAR = 0.05  # accuracy gaps of 5 points or more are worth a sentence


def apply_example(name: str) -> None:
    """Set the tab's controls to the gallery preset ``name`` (views.ui.links.apply_example calls it)."""
    for k, v in EXAMPLES[name].items():
        st.session_state[k] = v


def controls() -> PlaneConfig | None:
    """The tab's URL-bound settings as one frozen config (None with a sentence when no optimizer is chosen)."""
    # One row of the settings a teacher changes while talking (the chart must stay on a 720 px projector); the
    # learning rates and the plane's settings fold into one expander.
    a, b, c, d = st.columns([3, 3, 2, 2])
    with a:
        rules = widgets.multiselect("Optimizers", list(OPTIMIZERS), list(DEFAULT_RULES), key="rr_rules",
                                    format_func=lambda k: OPTIMIZERS[k].title,
                                    help="Every rule trains its own copy of the net, in lockstep.")
    with b:
        net = widgets.radio("Network", list(NET_CHOICES), key="rr_net", index=2, format_func=NET_CHOICES.get,
                            horizontal=True)
    with c:
        arch = widgets.radio("Architecture", list(ARCH_CHOICES), key="rr_arch", format_func=ARCH_CHOICES.get,
                             horizontal=True)
    with d:
        steps = widgets.slider("Steps", 50, 1000, 50, 50, key="rr_steps", help="Updates, batch 60.")
    with st.expander("Learning rates and the loss plane", icon=":material/tune:"):
        p, g = st.columns([3, 2])
        with p:
            kind = widgets.radio("Plane", list(PLANES), key="rr_plane", format_func=PLANES.get, horizontal=True)
        with g:
            grid = widgets.select_slider("Grid points a side", GRIDS, 41, key="rr_grid")
        st.caption("Each default lr is one notch below the best of a 500-step search on the plain MLP (seed 0; the "
                   "lowest mean loss of the last 50 steps).")
        cols = st.columns(4)
        lrs = {}
        for i, r in enumerate(OPTIMIZERS):
            with cols[i % 4]:
                lrs[r] = widgets.select_slider(OPTIMIZERS[r].title, LR_GRID, DEFAULT_LR[r], key=f"rr_lr_{r}",
                                               format_func=lambda v: f"{v:g}")
    if not rules:
        return None
    norms = ("none", "batch") if net == "both" else (net,)
    race = RaceConfig(tuple(rules), tuple(float(lrs[r]) for r in rules), arch, norms, int(steps), frame.seed())
    return PlaneConfig(race, kind, int(grid))


def show(cfg: PlaneConfig | None) -> None:
    """The race's curves and what they show, then the plane picture and what it shows."""
    if cfg is None:
        st.info("Choose at least one optimizer.", icon=":material/info:")
        return
    races = _races(cfg.race)
    if races is None:
        return
    names = [NETS[n] for n in cfg.race.norms]
    said = st.container()  # the sentences above the chart; on a projector below it, so the chart stays on screen
    charts.chart(curves_figure(dict(zip(names, races, strict=True))), "rr_curves")
    with st.container() if frame.presenting() else said:
        for sentence in race_claims(dict(zip(names, races, strict=True))):
            st.markdown(sentence)
    for race, name in zip(races, names, strict=True):
        for run in race.runs:
            if run.diverged_at is not None:
                st.warning(frame.diverged(f"{run.title} ({name})", run.diverged_at) + "; the others go on. A "
                           "lower learning rate keeps it.")
    planes = _planes(cfg)
    if planes is None:
        return
    cols = st.columns(len(planes))
    for col, plane, race, name in zip(cols, planes, races, names, strict=True):
        with col:
            for sentence in plane_claims(plane, race):
                st.markdown(sentence)
            charts.chart(plane_figure(plane, race, name if len(planes) > 1 else ""), f"rr_plane_{name}")
    st.caption(f"Loss: cross-entropy on the first {cfg.n_examples} training digits, in eval mode (batch norm with "
               "its running statistics, as Li et al. evaluate). Light = low loss, log-scaled greys.")


def _races(cfg: RaceConfig):
    """Every net's race: inline when it fits a page run, else a job, else refused (None while not ready)."""
    est = cost.race_seconds(cfg)
    if budget.fits_inline(est):
        return [data.race(cfg, n) for n in cfg.norms]
    promise = cost.job_promise(est)
    if not budget.fits(promise):
        steps = cost.steps_that_fit(cfg)
        nearest = f"**Steps** {steps}" if steps >= cost.STEP_GRID else "fewer optimizers"
        st.warning(budget.refuse(promise, f"This race ({len(cfg.rules)} optimizers × {cfg.steps} steps)", nearest),
                   icon=":material/timer_off:")
        return None

    def work(progress: jobs.Progress):
        out = []
        for i, n in enumerate(cfg.norms):
            def tick(f, i=i, n=n):
                progress.update((i + f) / len(cfg.norms), f"{NETS[n]} net, {f:.0%} of {cfg.steps} steps")
            out.append(data.race(cfg, n, tick))
        return out

    return jobs.show(jobs.submit(f"why_bn.race:{cfg!r}", work, estimate_s=promise, label="Race"))


def _planes(cfg: PlaneConfig):
    """Every net's plane, the same way as the races."""
    est = cost.plane_seconds(cfg)
    if budget.fits_inline(est):
        return [data.plane(cfg, n) for n in cfg.race.norms]
    promise = cost.job_promise(est)
    if not budget.fits(promise):
        st.warning(budget.refuse(promise, f"A {cfg.grid} × {cfg.grid} slice", "a smaller grid"),
                   icon=":material/timer_off:")
        return None

    def work(progress: jobs.Progress):
        out, k = [], len(cfg.race.norms)
        for i, n in enumerate(cfg.race.norms):
            def tick(f, i=i, n=n):
                progress.update((i + f) / k, f"{NETS[n]} net: {f:.0%} of {cfg.grid * cfg.grid} grid points")
            out.append(data.plane(cfg, n, tick))
        return out

    return jobs.show(jobs.submit(f"why_bn.plane:{cfg!r}", work, estimate_s=promise, label="Loss slice"))


def race_claims(races: dict) -> list[str]:
    """What the curves show, from the data: who ends highest, and batch norm vs none per rule when both ran."""
    out = []
    for name, race in races.items():
        acc = {run.title: run.test_acc[-1] for run in race.runs if np.isfinite(run.test_acc[-1])}
        if not acc:
            continue
        best, worst = max(acc, key=acc.get), min(acc, key=acc.get)
        where = f" ({name})" if len(races) > 1 else ""
        line = f"**After {race.steps} steps{where} {best} ends highest**: {acc[best]:.0%} of the held-out digits"
        out.append(line + (f"; {worst} {acc[worst]:.0%}." if worst != best else "."))
    if len(races) == 2:
        plain, bn = races.values()
        gaps = {p.title: b.test_acc[-1] - p.test_acc[-1] for p, b in zip(plain.runs, bn.runs, strict=True)}
        up = [t for t, g in gaps.items() if g >= CLEAR]
        down = [t for t, g in gaps.items() if g <= -CLEAR]
        if up:
            out.append("With batch norm " + _names(up) + f" end{'s' if len(up) == 1 else ''} at least "
                       f"{CLEAR * 100:.0f} points higher than without (same weights, same batches).")
        if down:
            out.append("Here batch norm ends lower for " + _names(down) + ".")
        if not up and not down:
            out.append(f"Batch norm and no normalization end within {CLEAR * 100:.0f} points of each other for "
                       "every rule.")
    return out


def _names(titles: list[str]) -> str:
    return titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " and " + titles[-1]


def plane_claims(plane, race) -> list[str]:
    """What the plane picture shows, from the plane: the variance it holds, or how little a random plane sees."""
    ref = race.runs[plane.reference].title
    if plane.kind == "pca":
        line = (f"The plane holds **{plane.ratio.sum():.0%} of the variance** of the recorded weights (PC 1 "
                f"{plane.ratio[0]:.0%}, PC 2 {plane.ratio[1]:.0%}); centre: {ref}'s final weights, training loss "
                f"{plane.centre_loss:.3f}.")
        others = [(r.title, o) for r, o in zip(race.runs, plane.off_plane, strict=True)
                  if r.title != ref and np.isfinite(o)]
        if others:
            far = max(others, key=lambda t: t[1])
            line += (f" The other paths are projections: for {far[0]}, {far[1]:.0%} of the distance from its final "
                     "weights to the centre lies outside the plane.")
        return [line]
    reach = max((float(np.abs(p).max()) for p in plane.paths if len(p)), default=0.0)
    return [f"In two random filter-normalized directions around {ref}'s final weights the paths span at most "
            f"**{reach:.2g}** of the [−1, 1] box: a random plane misses the directions training moves in (Li et "
            "al.'s reason for PCA directions)."]
