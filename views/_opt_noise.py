"""Optimizer page: gradient-noise and lr-schedule controls (left column) and the split of a noisy race."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from core.noise import NOISES
from core.optimizers import MAX_STEPS
from core.schedules import SCHEDULES, lrs
from views import _ui as ui
from viz.schedule import schedule_chart

SIGMAS = (0.0, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0)
MAX_PATHS = 16
LONGEST = MAX_STEPS // 4  # the page's Steps slider ends here
GAMMAS_STEP = (0.1, 0.2, 0.3, 0.5, 0.7, 0.9)
GAMMAS_EXP = (0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999)
GAMMAS_CYCLE = (0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999)
START_FACTORS = (0.001, 0.01, 0.1, 0.25, 0.5, 1.0)
PEAKS = (1.5, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0, 100.0)
MODES = ("triangular", "triangular2", "exp_range")


@dataclass(frozen=True)
class NoiseConfig:
    """Gradient noise of the race: kind and sigma (core.noise), runs drawn per optimizer (seed-0 path bold)."""

    kind: str
    sigma: float
    paths: int  # 1 when sigma is 0: the exact path needs no bundle


@dataclass(frozen=True)
class ScheduleConfig:
    """An lr schedule in torch's names; cyclic's max_lr is `peak` x each optimizer's own lr."""

    name: str
    params: tuple  # sorted (torch name, value) pairs
    peak: float = 3.0


def _fmt(v) -> str:
    return f"{v:g}"


def noise_controls() -> NoiseConfig:
    """Sigma, kind and bundle size; sigma 0 (the default) is exact gradient descent."""
    st.markdown("**Stochastic gradients**")
    sigma = ui.select_slider("Noise σ", SIGMAS, 0.0, key="nz_sigma", format_func=_fmt,
                             help="0 = exact gradient descent. Above 0 every step sees a noisy gradient, as with "
                                  "minibatches: stochastic gradient descent.")
    kind = ui.radio("Noise type", list(NOISES), key="nz_kind", format_func=lambda k: NOISES[k].title,
                    horizontal=True)
    paths = ui.number_input("Paths per optimizer", 1, MAX_PATHS, 8, 1, key="nz_paths",
                            help="Runs that differ only in their noise draws (used when σ > 0).")
    if sigma:
        st.caption(f"${NOISES[kind].latex}$ with $\\xi \\sim \\mathcal N(0, I)$ drawn at every step: "
                   f"{NOISES[kind].note}. Bold: noise path 0; faint lines and dots: the other paths and where "
                   "they end (same Seed in the sidebar, same draws).")
        st.caption("Watch plain SGD jitter while momentum and Adam average several noisy gradients into a "
                   "smoother path; with a constant lr every run keeps wandering near the minimum, a decaying "
                   "schedule below (cosine, step) lets it settle.")
    return NoiseConfig(kind, float(sigma), int(paths or 1) if sigma else 1)


def _int(label: str, default: int, key: str, help: str | None = None) -> int:
    return int(ui.number_input(label, 1, LONGEST, default, 1, key=key, help=help) or default)


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
                "gamma": ui.select_slider("gamma", GAMMAS_STEP, 0.5, key="sch_gstep", format_func=_fmt)}
    if name == "exponential":
        return {"gamma": ui.select_slider("gamma", GAMMAS_EXP, 0.995, key="sch_gexp", format_func=_fmt)}
    if name == "cosine":
        return {"T_max": _int("T_max", 500, "sch_tmax", "steps from lr down to eta_min = 0")}
    if name == "warmup_cosine":
        warm, tmax = _side_by_side(lambda: _int("warm-up", 50, "sch_warm", "warm-up steps (LinearLR's total_iters)"),
                                   lambda: _int("T_max", 450, "sch_wtmax", "cosine steps after the warm-up"))
        start = ui.select_slider("start_factor", START_FACTORS, 0.01, key="sch_start", format_func=_fmt)
        return {"start_factor": start, "total_iters": warm, "T_max": tmax}
    if name == "inverse_sqrt":
        return {"warmup_steps": _int("warmup_steps", 1, "sch_wsqrt", "linear warm-up, then lr √(w / t)")}
    if name == "cyclic":
        up, peak = _side_by_side(
            lambda: _int("step_size_up", 100, "sch_up", "steps from base_lr up to max_lr (and as many back)"),
            lambda: ui.select_slider("max_lr ÷ lr", PEAKS, 3.0, key="sch_peak", format_func=_fmt,
                                     help="the page's lrs sit near the stable edge: a high peak throws SGD out"))
        mode = ui.radio("mode", MODES, key="sch_mode", horizontal=True)
        gamma = ui.select_slider("gamma", GAMMAS_CYCLE, 0.999, key="sch_gcyc", format_func=_fmt) \
            if mode == "exp_range" else 1.0
        return {"step_size_up": up, "mode": mode, "gamma": gamma, "peak": float(peak)}
    return {}


def schedule_controls(steps: int) -> ScheduleConfig:
    """Schedule selectbox, its parameters and a small chart of lr / lr0 over the race's steps."""
    st.markdown("**Learning-rate schedule**")
    name = ui.selectbox("Schedule", list(SCHEDULES), key="sch_name", format_func=lambda k: SCHEDULES[k].title)
    params = _params(name)
    peak = params.pop("peak", 3.0)
    cfg = ScheduleConfig(name, tuple(sorted(params.items())), peak)
    if name != "constant":
        factor = lrs(name, 1.0, steps, **params, **({"max_lr": peak} if name == "cyclic" else {}))
        st.caption(f"`{SCHEDULES[name].torch_name}`, lr relative to each optimizer's lr")
        st.plotly_chart(schedule_chart(factor), config={"displayModeBar": False})
    return cfg


def run_kwargs(noise: NoiseConfig, sched: ScheduleConfig, configs: tuple) -> dict:
    """Keyword arguments of core.optimizers.run_batch for this noise and schedule (configs: (name, hyper pairs))."""
    kw = {}
    if noise.sigma:
        kw.update(noise=(noise.kind, noise.sigma), seed=int(st.session_state.get("seed") or 0), paths=noise.paths)
    if sched.name != "constant":
        params = dict(sched.params)
        kw["schedule"] = [(sched.name, params | ({"max_lr": sched.peak * dict(h)["lr"]} if sched.name == "cyclic"
                                                  else {})) for _, h in configs]
    return kw


def split(trajs: list, titles: list[str], paths: int) -> tuple[list, dict[str, list[np.ndarray]]]:
    """Path 0 of every optimizer (the bold runs) and title -> the points of its other paths (the faint bundle)."""
    if paths == 1:
        return trajs, {}
    bold = trajs[::paths]
    return bold, {t: [tr.points for tr in trajs[i * paths + 1:(i + 1) * paths]] for i, t in enumerate(titles)}
