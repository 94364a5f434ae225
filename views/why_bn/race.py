"""The "Optimizers on a real net" tab: several torch.optim rules train the digits net from the same weights on the
same batches; loss and accuracy curves, then the paths over the loss of Li et al.'s PCA plane.

Settings (URL keys ``rr_*``) -> ``RaceConfig`` / ``PlaneConfig`` -> the race inline when its measured cost fits a
page run, else a background job (estimate, progress, Cancel; results shared), else refused with the steps that fit.
A race goes on from the longest cached shorter one (views.why_bn.data), and the notches of Steps beside this one
train ahead in the background, so a tick of Steps trains little or nothing; once they are in, the charts carry their
figures and the browser draws them the moment the thumb moves (views.why_bn.nearby). The curves go out first; the
plane follows on a coarse grid, replaced in place by the full grid from a background job. The sentences above each
chart are ``race_claims`` / ``plane_claims``, read from the data.

Steps and everything it changes are one fragment (views.ui.server.fragment): a tick reruns and re-sends only the
slider, the sentences, the three charts (updated in place) and the plane's caption, ~15 elements instead of the
page's ~90 (the browser handles each one before the next). The other settings are drawn by the page run and reach
the fragment as a frozen config.
"""

from __future__ import annotations

import streamlit as st

from core.optim.presets import COURSE, LR_GRID
from core.optim.registry import OPTIMIZERS
from core.real_race import DEFAULT_LR
from core.trajectory_plane import PLANES
from views.ui import budget, charts, frame, jobs, server, widgets
from views.why_bn import data, figures, nearby, race_plane
from views.why_bn import race_cost as cost
from views.why_bn.config import NETS, STEP_GRID, STEPS_MAX, PlaneConfig, RaceConfig
from views.why_bn.race_claims import race_claims

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


def apply_example(name: str) -> None:
    """Set the tab's controls to the gallery preset ``name`` (views.ui.links.apply_example calls it)."""
    for k, v in EXAMPLES[name].items():
        st.session_state[k] = v


def draw(pane) -> None:
    """The tab in its lazy pane: its intro and body only when open, its URL-bound controls on every run (a control
    that is not drawn loses its link value). A tick of Steps reruns only ``_ticked`` (the slider, the curves, the
    planes and their sentences): the browser is sent about 15 elements instead of the page's ~90."""
    with pane:
        if pane.open:
            frame.prose(INTRO)
        cfg, steps_column = settings()
        if not pane.open:
            with steps_column:
                _steps()
            return
        body = st.container()
        with steps_column:  # the fragment's own elements go where it is called: the slider in its column
            _ticked(body, cfg)
        charts.plotly_js("rr_plotly_js")  # the plotly.js the in-place charts draw with (it never changes on a tick)


def settings() -> tuple[PlaneConfig | None, object]:
    """Every setting but Steps, as the config of the first notch (None when no optimizer is chosen), and the empty
    column where Steps goes."""
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
        return None, d
    norms = ("none", "batch") if net == "both" else (net,)
    race = RaceConfig(tuple(rules), tuple(float(lrs[r]) for r in rules), arch, norms, STEP_GRID, frame.seed())
    return PlaneConfig(race, kind, int(grid)), d


def _steps() -> int:
    return int(widgets.slider("Steps", STEP_GRID, STEPS_MAX, STEP_GRID, STEP_GRID, key="rr_steps",
                              help="Updates, batch 60."))


def with_steps(cfg: PlaneConfig | None, steps: int) -> PlaneConfig | None:
    """``cfg`` (from ``settings``) trained for ``steps``."""
    return None if cfg is None else cfg.at(steps)


@server.fragment
def _ticked(body, cfg: PlaneConfig | None) -> None:
    """Steps (where the fragment is called: its column), then everything it changes in ``body``: a tick reruns this
    alone, with the settings of the page run that drew it (a change of any other setting is a page run)."""
    steps = _steps()
    with frame.guard("why-bn race tab", body):  # the sentence in the body, not in Steps' narrow column
        show(with_steps(cfg, steps), body)


def show(cfg: PlaneConfig | None, where) -> None:
    """The race's curves and what they show, then the plane picture and what it shows, in ``where``."""
    with where:
        if cfg is None:
            st.info("Choose at least one optimizer.", icon=":material/info:")
            return
        race_plane.want(cfg)
        races = _races(cfg.race)
        if races is None:
            return
        named = figures.named(cfg.race, races)
        # One element for the sentences (a tick sends every element on its own); above the chart, on a projector
        # below it, so the chart stays on screen.
        said = "\n\n".join(race_claims(named))
        if said and not frame.presenting():
            st.markdown(said)
        # Nobody clicks on the curves or the planes: a tick updates them in place (no remount, no blank panel), and
        # cfg determines each figure, so a rerun that changes nothing in it sends the cached spec. Each carries its
        # figures at the Steps values beside this one that are computed already, drawn the moment the thumb moves.
        near = nearby.ready(cfg)
        charts.live(figures.curves(cfg.race, races), figures.CURVES, where=where, ahead=nearby.curves(cfg, near))
        if said and frame.presenting():
            st.markdown(said)
        for race, name in zip(races, named, strict=True):
            for run in race.runs:
                if run.diverged_at is not None:
                    st.warning(frame.diverged(f"{run.title} ({name})", run.diverged_at) + "; the others go on. "
                               "A lower learning rate keeps it.")
        race_plane.ahead(cfg)  # queued before the plane's job: it is short, and the next tick needs it first
        race_plane.show(cfg, races, nearby.planes(cfg, near))


def _races(cfg: RaceConfig):
    """Every net's race: inline when it fits a page run, else a job, else refused (None while not ready). A race
    goes on from the longest cached shorter one, so only its new steps are charged."""
    if all(data.cached(cfg, n) for n in cfg.norms):
        return [data.race(cfg, n) for n in cfg.norms]
    est = cost.race_seconds(cfg, {n: s.steps for n in cfg.norms if (s := data.start(cfg, n)) is not None})
    if budget.fits_inline(est):
        return [data.race(cfg, n) for n in cfg.norms]
    promise = cost.job_promise(est)
    if not budget.fits(promise):
        steps = cost.steps_that_fit(cfg)
        nearest = f"**Steps** {steps}" if steps >= STEP_GRID else "fewer optimizers"
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

    return race_plane.watch(jobs.submit(f"why_bn.race:{cfg!r}", work, estimate_s=promise, label="Race"))
