"""Learning-rate schedule controls of the race (left column): the schedule, its parameters and a small chart."""

from __future__ import annotations

import streamlit as st

from core.optim.schedules import SCHEDULES, lrs
from views.optimizers.config import ScheduleConfig
from views.optimizers.controls import LONGEST
from views.ui import charts, widgets
from viz.schedule import schedule_chart

GAMMAS_STEP = (0.1, 0.2, 0.3, 0.5, 0.7, 0.9)
GAMMAS_EXP = (0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999)
GAMMAS_CYCLE = (0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999)
START_FACTORS = (0.001, 0.01, 0.1, 0.25, 0.5, 1.0)
PEAKS = (1.5, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0, 100.0)
MODES = ("triangular", "triangular2", "exp_range")


def _fmt(v) -> str:
    return f"{v:g}"


def _int(label: str, default: int, key: str, help: str | None = None) -> int:
    return int(widgets.number_input(label, 1, LONGEST, default, 1, key=key, help=help) or default)


def _side_by_side(left, right) -> tuple:
    """Two controls (zero-argument callables) in two columns of the narrow left column; their values."""
    c1, c2 = st.columns(2)
    with c1:
        a = left()
    with c2:
        return a, right()


def _params(name: str) -> dict:
    """The chosen schedule's parameters (torch names); cyclic also gives "peak" = max_lr / lr."""
    if name == "step":
        return {"step_size": _int("step_size", 100, "sch_size", "steps between drops"),
                "gamma": widgets.select_slider("gamma", GAMMAS_STEP, 0.5, key="sch_gstep", format_func=_fmt)}
    if name == "exponential":
        return {"gamma": widgets.select_slider("gamma", GAMMAS_EXP, 0.995, key="sch_gexp", format_func=_fmt)}
    if name == "cosine":
        return {"T_max": _int("T_max", 500, "sch_tmax", "steps from lr down to eta_min = 0")}
    if name == "warmup_cosine":
        warm, tmax = _side_by_side(lambda: _int("warm-up", 50, "sch_warm", "warm-up steps (LinearLR's total_iters)"),
                                   lambda: _int("T_max", 450, "sch_wtmax", "cosine steps after the warm-up"))
        start = widgets.select_slider("start_factor", START_FACTORS, 0.01, key="sch_start", format_func=_fmt)
        return {"start_factor": start, "total_iters": warm, "T_max": tmax}
    if name == "inverse_sqrt":
        return {"warmup_steps": _int("warmup_steps", 1, "sch_wsqrt", "linear warm-up, then lr √(w / t)")}
    if name == "cyclic":
        up, peak = _side_by_side(
            lambda: _int("step_size_up", 100, "sch_up", "steps from base_lr up to max_lr (and as many back)"),
            lambda: widgets.select_slider("max_lr ÷ lr", PEAKS, 3.0, key="sch_peak", format_func=_fmt,
                                          help="the page's lrs sit near the stable edge: a high peak throws SGD out"))
        mode = widgets.radio("mode", MODES, key="sch_mode", horizontal=True)
        gamma = widgets.select_slider("gamma", GAMMAS_CYCLE, 0.999, key="sch_gcyc", format_func=_fmt) \
            if mode == "exp_range" else 1.0
        return {"step_size_up": up, "mode": mode, "gamma": gamma, "peak": float(peak)}
    return {}


def controls(steps: int) -> ScheduleConfig:
    """Schedule selectbox, its parameters and a small chart of lr / lr0 over the race's steps."""
    st.markdown("**Learning-rate schedule**")
    name = widgets.selectbox("Schedule", list(SCHEDULES), key="sch_name", format_func=lambda k: SCHEDULES[k].title)
    params = _params(name)
    peak = params.pop("peak", 3.0)
    cfg = ScheduleConfig(name, tuple(sorted(params.items())), peak)
    if name != "constant":
        st.caption(f"`{SCHEDULES[name].torch_name}`, lr relative to each optimizer's lr")
        name, relative = cfg.for_lr(1.0)
        charts.chart(schedule_chart(lrs(name, 1.0, steps, **relative)), "schedule",
                     options={"displayModeBar": False})
    return cfg
