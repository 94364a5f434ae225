"""Learning-rate schedule controls of the race (left column): the schedule, its parameters and a small chart; and
`used`, the lr each optimizer got when the schedule follows its own loss (ReduceLROnPlateau)."""

from __future__ import annotations

import streamlit as st

from core.optim.registry import OPTIMIZERS
from core.optim.schedule_text import format_numbers, parse_numbers
from core.optim.schedule_used import last_lr, lr_cuts, used_lrs
from core.optim.schedules import SCHEDULES, lrs, momenta, momentum_key
from views.optimizers.config import RaceConfig, ScheduleConfig
from views.optimizers.controls import LONGEST
from views.ui import charts, text, widgets
from viz.schedule import schedule_chart, used_lrs_chart

GAMMAS_STEP = (0.1, 0.2, 0.3, 0.5, 0.7, 0.9)
GAMMAS_EXP = (0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999)
GAMMAS_CYCLE = (0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999)
START_FACTORS = (0.001, 0.01, 0.1, 0.25, 0.5, 1.0)
FACTORS = (0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 1.0)
PEAKS = (1.5, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0, 100.0)
MODES = ("triangular", "triangular2", "exp_range")
POWERS = (0.25, 0.5, 1.0, 1.5, 2.0, 3.0)
MOMENTA = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99)
PCTS = (0.1, 0.2, 0.25, 0.3, 0.4, 0.5)
DIVS = (2.0, 5.0, 10.0, 25.0, 100.0)
FINAL_DIVS = (1.0, 10.0, 100.0, 1e3, 1e4)
CUTS = (0.1, 0.2, 0.3, 0.5, 0.7, 0.9)
THRESHOLDS = (0.0, 1e-4, 1e-3, 1e-2, 0.1)
FLOORS = (0.0, 1e-4, 1e-3, 1e-2, 0.1)
WITHOUT_MOMENTUM = [s.title for s in OPTIMIZERS.values() if momentum_key(s.defaults) is None]
# Optimizers with a momentum of 0 the page has no control for: torch cycles it all the same (it turns them into
# momentum methods while the schedule runs).
AT_ZERO = [s.title for s in OPTIMIZERS.values() if momentum_key(s.defaults) == "momentum" and s.second != "momentum"
           and s.defaults["momentum"] == 0.0]
CYCLE_HELP = ("torch's cycle_momentum, on by default as in torch: the momentum (β₁ for the Adam family) moves from "
              f"max_momentum to base_momentum and back, opposite to the lr; {', '.join(AT_ZERO)} (momentum 0 "
              f"otherwise) get it too. {', '.join(WITHOUT_MOMENTUM)} have none: torch would refuse, so here only "
              "their lr cycles.")


def _fmt(v) -> str:
    return f"{v:g}"


def _int(label: str, default: int, key: str, help: str | None = None, lo: int = 1) -> int:
    return int(widgets.number_input(label, lo, LONGEST, default, 1, key=key, help=help) or default)


def _pick(label: str, options: tuple, default, key: str, help: str | None = None):
    return widgets.select_slider(label, options, default, key=key, format_func=_fmt, help=help)


def _side_by_side(left, right) -> tuple:
    """Two controls (zero-argument callables) in two columns of the narrow left column; their values."""
    c1, c2 = st.columns(2)
    with c1:
        a = left()
    with c2:
        return a, right()


def _typed(label: str, default: tuple, key: str, whole: bool, help: str) -> tuple:
    """A typed list of numbers (never evaluated); a bad one gets one sentence and the default is used."""
    raw = widgets.text_input(label, format_numbers(default), key=key, max_chars=200, help=help)
    try:
        return parse_numbers(raw, label, whole)
    except ValueError as exc:
        st.warning(f"{text.plain(exc)} Using {format_numbers(default)}.")
        return default


def _momentum(prefix: str, on: bool, base: float, top: float) -> dict:
    """cycle_momentum and its range (torch's base_momentum, max_momentum)."""
    cycle = widgets.toggle("Cycle momentum / β₁", on, key=f"sch_{prefix}mom", help=CYCLE_HELP)
    if not cycle:
        return {"cycle_momentum": False}
    lo, hi = _side_by_side(lambda: _pick("base_momentum", MOMENTA, base, f"sch_{prefix}bmom"),
                           lambda: _pick("max_momentum", MOMENTA, top, f"sch_{prefix}mmom"))
    return {"cycle_momentum": True, "base_momentum": lo, "max_momentum": hi}


def _cyclic() -> dict:
    up, peak = _side_by_side(
        lambda: _int("step_size_up", 100, "sch_up", "steps from base_lr up to max_lr (and as many back)"),
        lambda: _pick("max_lr ÷ lr", PEAKS, 3.0, "sch_peak",
                      "the page's lrs sit near the stable edge: a high peak throws SGD out"))
    mode = widgets.radio("mode", MODES, key="sch_mode", horizontal=True)
    gamma = _pick("gamma", GAMMAS_CYCLE, 0.999, "sch_gcyc") if mode == "exp_range" else 1.0
    return {"step_size_up": up, "mode": mode, "gamma": gamma, "peak": float(peak), **_momentum("c", True, 0.8, 0.9)}


def _onecycle() -> dict:
    total, pct = _side_by_side(lambda: _int("total_steps", 500, "sch_total", "steps of the whole cycle"),
                               lambda: _pick("pct_start", PCTS, 0.3, "sch_pct", "share of the cycle spent climbing"))
    div, final = _side_by_side(lambda: _pick("div_factor", DIVS, 25.0, "sch_div", "start at lr ÷ div_factor"),
                               lambda: _pick("final_div_factor", FINAL_DIVS, 1e4, "sch_fdiv",
                                             "end at the start lr ÷ final_div_factor"))
    anneal = widgets.radio("anneal_strategy", ("cos", "linear"), key="sch_anneal", horizontal=True)
    three = widgets.toggle("three_phase", False, key="sch_three", help="climb, come back down, then anneal")
    return {"total_steps": total, "pct_start": pct, "div_factor": div, "final_div_factor": final,
            "anneal_strategy": anneal, "three_phase": three, **_momentum("o", True, 0.85, 0.95)}


def _plateau() -> dict:
    mode = widgets.radio("mode", ("min", "max"), key="sch_pmode", horizontal=True,
                         help="min: better means a lower loss (max would cut while the loss falls)")
    factor, patience = _side_by_side(lambda: _pick("factor", CUTS, 0.1, "sch_pfac", "lr × factor at a cut"),
                                     lambda: _int("patience", 10, "sch_pat", "steps without a better loss", lo=0))
    threshold, cooldown = _side_by_side(
        lambda: _pick("threshold", THRESHOLDS, 1e-4, "sch_thr", "how much better counts as better"),
        lambda: _int("cooldown", 0, "sch_cool", "steps after a cut before counting again", lo=0))
    rel = widgets.radio("threshold_mode", ("rel", "abs"), key="sch_tmode", horizontal=True)
    floor = _pick("min_lr ÷ lr", FLOORS, 0.0, "sch_floor", "no cut goes below this share of the optimizer's lr")
    return {"mode": mode, "factor": factor, "patience": patience, "threshold": threshold, "threshold_mode": rel,
            "cooldown": cooldown, "floor": float(floor)}


FORMS = {
    "step": lambda: {"step_size": _int("step_size", 100, "sch_size", "steps between drops"),
                     "gamma": _pick("gamma", GAMMAS_STEP, 0.5, "sch_gstep")},
    "multistep": lambda: {"milestones": _typed("milestones", (150, 300), "sch_miles", True,
                                               "steps after which the lr is multiplied by gamma"),
                          "gamma": _pick("gamma", GAMMAS_STEP, 0.1, "sch_gmulti")},
    "piecewise": lambda: {"boundaries": _typed("boundaries", (100, 250), "sch_bounds", True,
                                               "steps after which the next value holds"),
                          "values": _typed("values", (1.0, 0.3, 0.1), "sch_values", False,
                                           "lr ÷ lr₀ on each piece: one more than the boundaries")},
    "exponential": lambda: {"gamma": _pick("gamma", GAMMAS_EXP, 0.995, "sch_gexp")},
    "power": lambda: dict(zip(("s", "c"), _side_by_side(
        lambda: float(_int("s", 100, "sch_s", "steps until the lr has fallen to lr ÷ 2^c")),
        lambda: _pick("c", POWERS, 1.0, "sch_c", "the power")), strict=True)),
    "polynomial": lambda: dict(zip(("total_iters", "power"), _side_by_side(
        lambda: _int("total_iters", 500, "sch_piters", "steps to reach lr 0"),
        lambda: _pick("power", POWERS, 1.0, "sch_ppow")), strict=True)),
    "linear": lambda: {"start_factor": _pick("start_factor", START_FACTORS, 0.1, "sch_lstart"),
                       "end_factor": _pick("end_factor", FACTORS, 1.0, "sch_lend"),
                       "total_iters": _int("total_iters", 100, "sch_liters", "steps from start to end factor")},
    "constant_factor": lambda: dict(zip(("factor", "total_iters"), _side_by_side(
        lambda: _pick("factor", START_FACTORS, 0.25, "sch_cfac"),
        lambda: _int("total_iters", 100, "sch_citers", "steps at lr × factor")), strict=True)),
    "cosine": lambda: {"T_max": _int("T_max", 500, "sch_tmax", "steps from lr down to eta_min = 0")},
    "warm_restarts": lambda: dict(zip(("T_0", "T_mult"), _side_by_side(
        lambda: _int("T_0", 100, "sch_t0", "steps of the first cosine"),
        lambda: _pick("T_mult", (1, 2, 3), 1, "sch_tmult", "each restart's cosine is T_mult times longer")),
        strict=True)),
    "warmup_cosine": lambda: dict(zip(("total_iters", "T_max"), _side_by_side(
        lambda: _int("warm-up", 50, "sch_warm", "warm-up steps (LinearLR's total_iters)"),
        lambda: _int("T_max", 450, "sch_wtmax", "cosine steps after the warm-up")), strict=True)) | {
        "start_factor": _pick("start_factor", START_FACTORS, 0.01, "sch_start")},
    "inverse_sqrt": lambda: {"warmup_steps": _int("warmup_steps", 1, "sch_wsqrt", "linear warm-up, then lr √(w / t)")},
    "cyclic": _cyclic,
    "onecycle": _onecycle,
    "plateau": _plateau,
    "performance": lambda: {"factor": _pick("factor", CUTS, 0.5, "sch_ffac", "lr × factor whenever the loss is not "
                                            "below its best so far"),
                            "floor": float(_pick("min_lr ÷ lr", FLOORS, 0.0, "sch_ffloor"))},
}


def _caption(cfg: ScheduleConfig, steps: int) -> None:
    """What the chart cannot say: momentum cycling's reach, a loss-driven lr, a cycle shorter than the race."""
    spec, params = SCHEDULES[cfg.name], dict(cfg.params)
    if spec.feedback:
        st.caption(f"`{spec.torch_name}` steps on each optimizer's own loss after every step, so each optimizer's lr "
                   "depends on its path: it is known only once the race has run.")
        return
    line = f"`{spec.torch_name}`, lr relative to each optimizer's lr"
    if params.get("cycle_momentum"):
        line += (f"; momentum (β₁ for the Adam family) dashed. {', '.join(AT_ZERO)} get it too, from momentum 0, as "
                 f"in torch. {', '.join(WITHOUT_MOMENTUM)} have no momentum: torch refuses to cycle it, so only their "
                 "lr follows the schedule")
    st.caption(line + ".")
    if cfg.name == "onecycle" and steps > params["total_steps"]:
        st.caption(f"The race runs {steps} steps, past total_steps = {params['total_steps']}: torch's OneCycleLR "
                   "raises there; here the lr then stays at its final value.")


def controls() -> ScheduleConfig:
    """Schedule selectbox and its parameters (the page's run; the chart over the race's steps is `preview`)."""
    st.markdown("**Learning-rate schedule**")
    name = widgets.selectbox("Schedule", list(SCHEDULES), key="sch_name", format_func=lambda k: SCHEDULES[k].title)
    params = FORMS[name]() if name in FORMS else {}
    peak, floor = params.pop("peak", 3.0), params.pop("floor", 0.0)
    return ScheduleConfig(name, tuple(sorted(params.items())), peak, floor)


def preview(cfg: ScheduleConfig, steps: int) -> ScheduleConfig:
    """What the schedule does over the race's `steps`: a caption and a small chart of lr / lr0 (and a cycled
    momentum); drawn by the Steps fragment, as it changes with Steps. Returns the schedule the race runs (constant
    if torch refuses this one)."""
    if cfg.name == "constant":
        return cfg
    _caption(cfg, steps)
    if SCHEDULES[cfg.name].feedback:
        return cfg
    name, relative = cfg.for_lr(1.0)
    try:
        factor, mom = lrs(name, 1.0, steps, **relative), momenta(name, steps, **relative)
    except ValueError as exc:  # e.g. a piecewise schedule whose values do not fit its boundaries
        st.warning(f"{text.plain(exc, 300)} The race runs at constant lrs.")
        return ScheduleConfig()
    charts.chart(schedule_chart(factor, momentum=mom), "schedule", options={"displayModeBar": False})
    return cfg


def used(cfg: RaceConfig, race) -> None:
    """The lr each optimizer used, recomputed from its losses (ReduceLROnPlateau's input); nothing for a schedule
    known ahead (the chart on the left shows it)."""
    if not SCHEDULES[cfg.schedule.name].feedback:
        return
    got, lines = {}, []
    for r, tr in zip(race.runs, race.trajs, strict=True):
        name, params = cfg.schedule.for_lr(r.lr)
        got[r.title] = lr = used_lrs(name, r.lr, tr.losses, tr.diverged_at, **params)
        cuts = lr_cuts(lr)
        lines.append(f"{r.title}: {cuts} cut{'s' * (cuts != 1)}" + (f", lr {last_lr(lr):.3g} at the end"
                                                                    if cuts else ""))
    path = " (noise path 0; every path is cut on its own loss)" if cfg.noise.sigma else ""
    st.caption(f"The lr each optimizer got from its own loss{path}: " + "; ".join(lines) + ".")
    charts.chart(used_lrs_chart(got), "schedule_used")
