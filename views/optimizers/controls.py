"""The race's controls in the left column (presets, surface, optimizers, steps, start, hyper-parameters) and the
lr mode above the tabs; each returns its part of the RaceConfig."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.optim.engine import MAX_STEPS
from core.optim.presets import COURSE, LR_GRID, PRESETS, default_lr, lr_choices
from core.optim.registry import OPTIMIZERS
from core.surfaces.registry import SURFACES
from core.surfaces.surface import Surface
from views.optimizers.config import LR_MODES, RunConfig, SurfaceConfig
from views.ui import widgets

SURFACE_NAMES = [*SURFACES, "custom"]
KAPPAS = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0)
LONGEST = MAX_STEPS // 4  # the Steps slider's end: 4x below the engine's limit keeps a race under a second


def apply_preset(name: str) -> None:
    """Set every control a preset names (a button's callback, or a gallery link before the widgets exist)."""
    p = PRESETS[name]
    st.session_state.update(surf=p.surface, opt=list(p.optimizers), steps=p.steps, x0=p.start[0], y0=p.start[1])
    st.session_state.update(dict(p.params))
    for opt in p.optimizers:
        h, second = p.hyper.get(opt, {}), OPTIMIZERS[opt].second
        st.session_state[f"lr_{opt}"] = h.get("lr", default_lr(p.surface, opt))
        if second:
            st.session_state[f"h2_{opt}"] = h.get(second, OPTIMIZERS[opt].defaults[second])


def presets() -> None:
    """One button per classic picture."""
    st.caption("Classic pictures in one click")
    cols = st.columns(2)
    for i, (k, p) in enumerate(PRESETS.items()):
        cols[i % 2].button(p.title, key=f"preset_{k}", on_click=apply_preset, args=(k,), width="stretch")


def surface() -> SurfaceConfig:
    """The surface selectbox and, for the quadratic or a typed surface, its own controls."""
    name = widgets.selectbox("Surface", SURFACE_NAMES, key="surf",
                             format_func=lambda k: SURFACES[k].title if k in SURFACES else "Custom expression")
    cfg = SurfaceConfig(name)
    if name == "quadratic":
        kappa = widgets.select_slider("Condition number kappa", KAPPAS, 10.0, key="kappa",
                                      format_func=lambda v: f"{v:g}")
        cfg = SurfaceConfig(name, float(kappa), float(widgets.slider("Rotation angle (deg)", 0.0, 90.0, 0.0,
                                                                     key="angle")))
    if name == "custom":
        cfg = SurfaceConfig(name, expr=widgets.text_input("f(x, y) =", cfg.expr, key="expr",
                                                          help="x, y, numbers, + - * / **, sin, cos, exp, log…"))
    return cfg


def optimizers() -> list[str]:
    """The racing optimizers, in registry order as picked."""
    return widgets.multiselect("Optimizers", list(OPTIMIZERS), list(COURSE), key="opt",
                               format_func=lambda k: OPTIMIZERS[k].title)


def steps() -> int:
    """Steps per run."""
    return int(widgets.slider("Steps", 10, LONGEST, 500, key="steps"))


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
    with st.expander("Hyper-parameters (torch names and defaults)", expanded=False):
        for n in names:
            spec = OPTIMIZERS[n]
            lr = widgets.select_slider(f"{spec.title}: lr", lr_choices(), default_lr(surface_name, n), key=f"lr_{n}",
                                       format_func=lambda v: f"{v:g}")
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
    """How the race's lrs are chosen (as set, one shared lr, each its best) and the shared lr."""
    mode = widgets.radio("Learning rates", list(LR_MODES), key="lrmode", format_func=LR_MODES.get, horizontal=True,
                         help="A fair race gives every optimizer its own best lr, found by a sweep over a log grid.")
    if mode != "shared":
        return mode, 0.01
    return mode, float(widgets.select_slider("Shared lr", list(LR_GRID), 0.01, key="lr_all",
                                             format_func=lambda v: f"{v:g}"))
