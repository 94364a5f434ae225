"""The race's controls in the left column (presets, surface, optimizers, steps, start, hyper-parameters) and the
lr mode above the tabs; each returns its part of the RaceConfig."""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from core.optim.engine import MAX_STEPS
from core.optim.presets import COURSE, LR_GRID, PRESETS, default_lr, lr_choices
from core.optim.registry import OPTIMIZERS
from core.optim.schedule_plan import slower_form
from core.optim.schedules import SCHEDULES
from core.surfaces.registry import SURFACES
from core.surfaces.surface import Surface
from views.optimizers import cost, lr_entry
from views.optimizers.config import LR_MODES, RunConfig, SurfaceConfig
from views.ui import budget, links, widgets

SURFACE_NAMES = [*SURFACES, "custom"]
KAPPAS = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0)
LONGEST = MAX_STEPS // 4  # the Steps slider's end: 4x below the engine's limit keeps a race under a second
CYCLE_KEYS = {"cyclic": "sch_cmom", "onecycle": "sch_omom"}  # views.optimizers.schedule's momentum toggles
SLOWER_WHY = {"momentum": "with a cycled momentum", "loss": "with an lr that follows each loss"}


PRESET = "preset"  # the preset pills' key: the preset whose run the page shows, if any
SIZE = "_race_size"  # this run's number of optimizers and steps, for the budget of the controls drawn after them


def apply_preset(name: str) -> None:
    """Set every control a preset names (a pill's callback, or a gallery link before the widgets exist)."""
    p = PRESETS[name]
    st.session_state.update(surf=p.surface, opt=list(p.optimizers), steps=p.steps, x0=p.start[0], y0=p.start[1])
    st.session_state.update(dict(p.params))
    # The caption describes exact gradients and constant lrs as set: noise, schedule and lr mode go back to theirs.
    st.session_state.update(nz_sigma=0.0, sch_name="constant", lrmode="as set")
    for opt in p.optimizers:
        h, second = p.hyper.get(opt, {}), OPTIMIZERS[opt].second
        st.session_state[f"lr_{opt}"] = p.lr(opt)
        if second:
            st.session_state[f"h2_{opt}"] = h.get(second, OPTIMIZERS[opt].defaults[second])


def _picked() -> None:
    if st.session_state.get(PRESET):
        apply_preset(st.session_state[PRESET])


def _same(a, b) -> bool:
    return a == b or (isinstance(a, int | float) and isinstance(b, int | float) and math.isclose(a, b))


def shown_preset() -> str | None:
    """The preset whose very run the controls describe (its caption is then true of the chart), else None."""
    ss = st.session_state
    if ss.get("nz_sigma", 0.0) or ss.get("sch_name", "constant") != "constant" or ss.get("lrmode", "as set") != \
            "as set":
        return None
    for name, p in PRESETS.items():
        want = {"surf": p.surface, "steps": p.steps, "x0": p.start[0], "y0": p.start[1], **p.params}
        want |= {f"lr_{o}": p.lr(o) for o in p.optimizers}
        want |= {f"h2_{o}": p.hyper.get(o, {}).get(OPTIMIZERS[o].second, OPTIMIZERS[o].defaults.get(
            OPTIMIZERS[o].second)) for o in p.optimizers if OPTIMIZERS[o].second}
        if list(ss.get("opt", ())) == list(p.optimizers) and all(_same(ss.get(k), v) for k, v in want.items()):
            return name
    return None


def presets() -> None:
    """The classic pictures as pills that wrap (readable in a narrow column), and the shown preset's caption."""
    shown = shown_preset()
    st.session_state[PRESET] = shown  # before the pills exist: lit only while the view is that preset's run
    st.pills("Classic pictures in one click", list(PRESETS), key=PRESET, on_change=_picked, wrap=True,
             format_func=lambda k: PRESETS[k].title)
    if shown:
        st.caption(PRESETS[shown].caption)


def surface() -> SurfaceConfig:
    """The surface selectbox and, for the quadratic or a typed surface, its own controls."""
    # The quadratic's label names no kappa or angle: the registry's default instance would contradict the sliders.
    name = widgets.selectbox("Surface", SURFACE_NAMES, key="surf", format_func=_surface_title)
    cfg = SurfaceConfig(name)
    if name == "quadratic":
        kappa = widgets.select_slider("Condition number kappa", KAPPAS, 10.0, key="kappa",
                                      format_func=lambda v: f"{v:g}")
        cfg = SurfaceConfig(name, float(kappa), float(widgets.slider("Rotation angle (deg)", 0.0, 90.0, 0.0,
                                                                     key="angle")))
    if name == "custom":
        cfg = SurfaceConfig(name, expr=widgets.text_input("f(x, y) =", cfg.expr, key="expr",
                                                          help="x, y, numbers, + - * / **, sin, cos, exp, log…, abs, "
                                                               "relu, max(a, b), min(a, b), where(x > y, a, b)"))
    return cfg


def _surface_title(key: str) -> str:
    if key == "quadratic":
        return "Quadratic"
    return SURFACES[key].title if key in SURFACES else "Custom expression"


def optimizers() -> list[str]:
    """The racing optimizers, in registry order: pills that wrap, so every name reads even in a narrow column (a
    multiselect there squeezed its chips to their "×")."""
    chosen = widgets.pills("Optimizers", list(OPTIMIZERS), list(COURSE), key="opt",
                           format_func=lambda k: OPTIMIZERS[k].title, wrap=True)
    names = [k for k in OPTIMIZERS if k in chosen]
    st.session_state[SIZE] = race_size() | {"optimizers": len(names), "names": tuple(names)}
    return names


def _held(key: str, read, default):
    """A control drawn further down the column: its value, or on a link's first run (before it exists) the link's."""
    if key in st.session_state:
        return st.session_state[key]
    given = links.values(key)
    try:
        return read(given[-1]) if given else default
    except (KeyError, ValueError):  # a bad link value: the control will say so and show its default
        return default


def schedule_slower(names) -> str | None:
    """How the schedule chosen below slows a race of `names` (core.optim.schedule_plan.slower_form; None: not)."""
    by_title = {s.title: k for k, s in SCHEDULES.items()}  # a link names the schedule by its title
    name = _held("sch_name", by_title.__getitem__, "constant")
    params = {}
    if name in CYCLE_KEYS:  # both toggles are on by default, as torch's cycle_momentum
        params["cycle_momentum"] = bool(_held(CYCLE_KEYS[name], widgets.parse_bool, True))
    return slower_form(name, params, names)


def steps() -> int:
    """Steps per run: the slider's value, or the most that the racing optimizers can run within a page run (on
    the schedule chosen below: one that cycles a momentum or follows the loss makes a race slower)."""
    wanted = int(widgets.slider("Steps", 10, LONGEST, 500, key="steps"))
    names = list(st.session_state.get("opt") or COURSE)  # the Optimizers box's value (drawn before or after this)
    n, slower = len(names), schedule_slower(names)
    fit = cost.most_steps(n, 1, wanted, slower=slower)
    if fit < wanted:
        what = f"{wanted} steps of {n} optimizers" + (f" {SLOWER_WHY[slower]}" if slower else "")
        st.caption(cost.too_long(cost.seconds(wanted, n, slower=slower), what, f"{fit} steps",
                                 f"the race runs {fit}"))
    st.session_state[SIZE] = race_size() | {"steps": fit}
    return fit


def race_size() -> dict:
    """This run's racing optimizers and steps so far ({"optimizers", "names", "steps"}), for the controls drawn
    after."""
    return st.session_state.get(SIZE, {"optimizers": len(COURSE), "names": tuple(COURSE), "steps": 500})


def raw_start() -> tuple[float | None, float | None]:
    """The typed start point (None: the surface's default start)."""
    c1, c2 = st.columns(2)
    with c1:
        x0 = widgets.number_input("start x", key="x0", placeholder="default", format="%.3f")
    with c2:
        y0 = widgets.number_input("start y", key="y0", placeholder="default", format="%.3f")
    st.caption("…or click on the contour to start there.")
    return x0, y0


def runs(surface_name: str, names: list[str]) -> tuple[RunConfig, ...]:
    """Each racing optimizer's lr and second hyper-parameter, in the collapsed expander."""
    out = []
    # The expander tracks whether it is open (opening it reruns): closed, the lr rows are drawn without their two
    # columns each, 21 layout elements fewer to send and render on every tick of the Steps slider.
    box = st.expander("Hyper-parameters (torch names and defaults)", expanded=False, key="hp_open", on_change="rerun")
    with box:
        for n in names:
            spec = OPTIMIZERS[n]
            lr = lr_entry.lr_input(f"{spec.title}: lr", lr_choices(), default_lr(surface_name, n), key=f"lr_{n}",
                                   shown=box.open is not False)
            second = None
            if spec.second:
                hp = spec.hyper[spec.second]
                second = float(widgets.slider(f"{spec.title}: {spec.second}", 0.0, 0.999, float(hp.default),
                                              key=f"h2_{n}", step=0.001, help=hp.help))
            out.append(RunConfig(n, float(lr), second))
    return tuple(out)


def start(surface: Surface, raw: tuple[float | None, float | None]) -> tuple[float, float]:
    """The start point: typed or the surface's first start, clamped into the plotted box (with a warning)."""
    x = raw[0] if raw[0] is not None else surface.starts[0][0]
    y = raw[1] if raw[1] is not None else surface.starts[0][1]
    xmin, xmax, ymin, ymax = surface.box
    cx, cy = float(np.clip(x, xmin, xmax)), float(np.clip(y, ymin, ymax))
    if (cx, cy) != (x, y):
        st.warning(f"Start ({x:g}, {y:g}) is outside the plotted box; clamped to ({cx:g}, {cy:g}).")
    return cx, cy


def lr_mode() -> tuple[str, float]:
    """How the race's lrs are chosen (as set, one shared lr, each its best) and the shared lr; "best" is checked
    against the budget by `affordable`, once the race's steps are known."""
    mode = widgets.radio("Learning rates", list(LR_MODES), key="lrmode", format_func=LR_MODES.get, horizontal=True,
                         help="A fair race gives every optimizer its own best lr, found by a sweep over a log grid.")
    if mode != "shared":
        return mode, 0.01
    return mode, lr_entry.lr_input("Shared lr", LR_GRID, 0.01, key="lr_all")


def affordable(mode: str, steps: int) -> str:
    """``mode``, or "as set" (and why) when it is "best" and its lr sweep (every optimizer at each lr of the grid)
    does not fit a page run at ``steps`` steps."""
    n = race_size()["optimizers"]
    rows = len(LR_GRID) + 1  # the sweep's rows and the race itself
    if mode != "best" or not n or budget.fits_inline(cost.seconds(steps, n, rows)):
        return mode
    st.caption(cost.too_long(cost.seconds(steps, n, rows), f"Finding the best of {len(LR_GRID)} lrs for {n} "
                             f"optimizers over {steps} steps", f"{cost.most_steps(n, rows, steps)} steps",
                             "the race keeps each lr as set"))
    return "as set"
