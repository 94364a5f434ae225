"""The gradient-descent tab: full batch, stochastic and mini-batch descent on the exact bowl of a linear regression."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from core.linear_regression import BUDGETS
from core.optim.presets import LR_GRID
from core.optim.registry import OPTIMIZERS
from views.dynamics.config import GDConfig, lr_label
from views.dynamics.data import Descent, descent_run, figure, held
from views.ui import charts, frame, server, widgets
from viz.gd_variants import data_fit, gd_contour, gd_losses

INTRO = (
    "Fit a line **y ≈ w x + b** to noisy points by gradient descent. The loss "
    "L(w, b) = 1/(2n) Σ (w xᵢ + b − yᵢ)² is a bowl over the two parameters, so its contour is exact and the "
    "least-squares minimum (★) is known in closed form. **Full batch** uses every point per update: a smooth "
    "path. **Stochastic** uses one random point: a cheap but noisy gradient, so the path jitters and, at a "
    "constant lr, never settles at ★ but keeps wandering in a noise ball. A **mini-batch** of b points "
    "averages the noise down (its variance shrinks like 1/b).")

STEPS, STEPS_KEY = (5, 2000, 100, 5), "gd_steps"  # the Steps slider: min, max, default, step; its widget key
CONTOUR, LOSSES, FIT = "gd_contour", "gd_losses", "gd_fit"  # the live charts' keys


def controls() -> dict:
    """The tab's widgets but the length (URL keys gd_*), as GDConfig's fields; the length slider comes from the view
    fragment (``_length``), drawn where ``controls`` leaves it a place."""
    n = widgets.slider("Data points n", 10, 500, 100, 10, key="gd_n")
    noise = widgets.slider("Noise (std of y around the line)", 0.0, 3.0, 0.5, 0.1, key="gd_noise")
    b = widgets.number_input("Mini-batch size b", 1, 5000, 10, key="gd_b",
                             help="Examples per update in the mini-batch run (the other two use n and 1).")
    opt = widgets.selectbox("Optimizer", list(OPTIMIZERS), key="gd_opt", format_func=lambda k: OPTIMIZERS[k].title)
    lr = widgets.select_slider("Learning rate lr", LR_GRID, 0.1, key="gd_lr", format_func=lr_label)
    budget = widgets.radio("Compare at equal", list(BUDGETS), key="gd_budget", horizontal=True,
                           help="Steps: each run makes as many updates. Epochs: each sees the data as often.")
    length = st.container()  # the length slider's place: the view fragment draws it
    c = st.columns(2)
    with c[0]:
        w0 = widgets.number_input("start w", -20.0, 20.0, -1.0, 0.5, key="gd_w0")
    with c[1]:
        b0 = widgets.number_input("start b", -20.0, 20.0, 3.0, 0.5, key="gd_b0")
    return {"n": int(n), "noise": float(noise), "batch": int(b), "optimizer": opt, "lr": float(lr), "budget": budget,
            "start": (float(w0), float(b0)), "seed": frame.seed(), "place": length}


def _length(budget: str) -> int:
    if budget == "epochs":
        return int(widgets.slider("Epochs (passes over the data)", 1, 100, 3, key="gd_epochs"))
    return int(widgets.slider("Steps (updates)", *STEPS, key=STEPS_KEY))


def _summary(d: Descent) -> None:
    data, run = d.data, d.run
    rows = []
    for i, name in enumerate(run.names):
        k = run.diverged_at[i]
        gap = run.losses[run.steps[i], i] - data.value(data.minimum)
        rows.append({"variant": name, "batch": run.batch_sizes[i], "steps per epoch": run.steps_per_epoch[i],
                     "updates": run.steps[i], "epochs": run.steps[i] / run.steps_per_epoch[i],
                     "examples seen": run.steps[i] * run.batch_sizes[i] if k is None else None,
                     "final L − L*": None if k is not None else float(gap)})
    charts.table(rows, column_config={"epochs": st.column_config.NumberColumn(format="%.3g"),
                                      "final L − L*": st.column_config.NumberColumn(format="%.2e")})


def _charts(cfg: GDConfig, d: Descent) -> None:
    # cfg determines every figure here, so a rerun that changes nothing in it sends the cached specs.
    # On a projector (presentation mode) the map is shorter, so it fits under the tabs at 1280x720.
    height = 470 if frame.presenting() else 560
    specs = _specs(cfg, d, height)
    # The Steps values a tick reaches next, built now through the same caches: the browser draws them on the tick
    # and the tick's own run finds them cached.
    near = {c.length: _specs(c, descent_run(c), height) for c in _nearby(cfg)}

    def ahead(key: str) -> charts.Ahead | None:
        if cfg.budget == "steps":  # the Epochs slider draws nothing ahead
            return charts.Ahead(STEPS_KEY, cfg.length, {x: s[key] for x, s in near.items()})
        return None

    # Nobody clicks on these charts: a tick updates them in place (no blank panel, and a third of a remount's
    # browser time; docs/performance.md).
    charts.live(specs[CONTOUR], CONTOUR, ahead=ahead(CONTOUR))
    a, b = st.columns(2)
    charts.live(specs[LOSSES], LOSSES, where=a, ahead=ahead(LOSSES))
    charts.live(specs[FIT], FIT, where=b, ahead=ahead(FIT))


def _specs(cfg: GDConfig, d: Descent, height: int) -> dict[str, dict]:
    """The three charts' plain specs, cached for every session under cfg (and the map's height)."""
    data, run = d.data, d.run
    axis = "epochs" if cfg.budget == "epochs" else "steps"
    return {CONTOUR: figure(CONTOUR, (cfg, height), lambda: gd_contour(*d.grid, run, data.minimum, cfg.start,
                                                                        height=height, picture=d.picture)),
            LOSSES: figure(LOSSES, cfg, lambda: gd_losses(run, float(data.value(data.minimum)), axis)),
            FIT: figure(FIT, cfg, lambda: data_fit(data, run))}


def _nearby(cfg: GDConfig) -> list[GDConfig]:
    """cfg at Steps - and + one step (within the slider's range) whose descent is a cut of a run already cached:
    a new run ahead costs 0.06-0.3 s, more than a neighbour may add to a tick (so a tick across an AHEAD length of
    views.dynamics.data goes the round trip); none on the Epochs slider."""
    if cfg.budget != "steps":
        return []
    lo, hi, _, step = STEPS
    return [c for x in (cfg.length - step, cfg.length + step) if lo <= x <= hi and held(c := replace(cfg, length=x))]


def tab(shown: bool) -> None:
    """Full batch, batch 1 and batch b on the exact loss surface of a linear regression (controls only if not shown)."""
    if shown:
        frame.prose(INTRO)
    _body(shown)


@st.fragment
def _body(shown: bool) -> None:
    """The controls and what they drive: a change of one of them reruns this, not the page's other four tabs."""
    left, right = st.columns([1, 3], gap="large")
    with left:
        fields = controls()
    _view(fields, right if shown else None, st.container())


@server.fragment
def _view(fields: dict, right, below) -> None:
    """The length slider (in the place ``controls`` left it) and, when the tab is shown, the charts and table in
    ``right`` and the notes in ``below``: a Steps or Epochs tick reruns and re-sends only these, not the other
    controls (27 elements a tick, now ~12)."""
    place = fields["place"]
    with place.container():  # a fragment writes in a place made before it inside a container of its own
        length = _length(fields["budget"])
    if right is None:
        return
    cfg = GDConfig(fields["n"], fields["noise"], fields["batch"], fields["optimizer"], fields["lr"], fields["budget"],
                   length, fields["start"], fields["seed"])
    with right.container():
        try:
            d = descent_run(cfg)
        except ValueError as exc:
            st.error(str(exc))
            return
        for name, k in zip(d.run.names, d.run.diverged_at, strict=True):
            if k is not None:
                st.warning(frame.diverged(name, k) + f": lr {cfg.lr:g} is too large for this bowl. Lower the "
                           "learning rate.")
        _charts(cfg, d)
        _summary(d)
    with below.container():
        _notes(cfg, d)


def _notes(cfg: GDConfig, d: Descent) -> None:
    frame.prose(
        f"**Steps vs epochs.** A *step* is one update from one mini-batch; an *epoch* is one pass over all "
        f"n = {cfg.n} points, i.e. ⌈n / b⌉ steps: 1 for full batch, {cfg.n} for batch 1. At an equal number of "
        "steps the stochastic run has done n times less work, so of course it lags; at an equal number of "
        "epochs (same compute) it has made n times more updates and usually gets close to ★ sooner, then "
        "jitters. That is why deep learning trains with mini-batches: most of the progress of full batch at a "
        "fraction of the cost per step.")
    if cfg.optimizer == "sgd":
        st.caption(f"The bowl's curvatures are the eigenvalues of H = [[mean x², mean x], [mean x, 1]]; plain "
                   f"full-batch gradient descent converges only for lr < 2 / λmax = {d.data.max_stable_lr:.3g}.")
    charts.plotly_js("gd_plotly_js")  # the plotly.js the in-place charts draw with
