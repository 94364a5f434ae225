"""The gradient-check tab: analytic (hand-written backward) vs centred finite-difference gradients of a small net."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.gradcheck import BUGS, SHAPES, GradCheck, check, make_problem, torch_verdict
from views.dynamics.config import H_VALUES, GradcheckConfig
from views.dynamics.data import h_curves
from views.ui import charts, frame, widgets
from viz.gradcheck import h_curve, tensor_errors, verdict

INTRO = (
    "Before trusting a hand-written backward pass, compare it with the **centred difference** "
    "`n = (L(θ + h) - L(θ - h)) / 2h` for every parameter, in **float64**, through the relative error "
    "`|a - n| / max(|a|, |n|)` of each parameter tensor (with `|·|` the norm of the whole tensor). For a "
    "smooth net (tanh, softmax) below **1e-7** is right and above **1e-4** is a bug (CS231n). The net: "
    "10 examples x 4 features → linear 4×6 → tanh → linear 6×3 → softmax cross-entropy + L2 penalty, each "
    "layer with a hand-written backward. Plant a bug and see which tensors it shows up in.")


def controls() -> GradcheckConfig:
    """The tab's widgets (URL keys gc_bug, gc_h), read into one config."""
    c = st.columns([3, 2])
    with c[0]:
        bug = widgets.selectbox("Planted bug", list(BUGS), key="gc_bug")
        st.caption(BUGS[bug])
    with c[1]:
        h = widgets.select_slider("Step h", H_VALUES, 1e-5, key="gc_h", format_func=lambda v: f"{v:.0e}")
    return GradcheckConfig(bug, float(h), frame.seed())


def _verdict(cfg: GradcheckConfig, res: GradCheck, passes: bool) -> None:
    worst = res.worst
    say = {"fine": st.success, "suspicious": st.warning, "wrong": st.error}[verdict(worst)]
    say(f"Largest relative error {worst:.1e} at h = {cfg.h:.0e}: **{verdict(worst)}**. "
        f"torch.autograd.gradcheck on the same layers: **{'passes' if passes else 'fails'}**.")


def _table(res: GradCheck) -> None:
    charts.table([{"tensor": k, "shape": " × ".join(map(str, SHAPES[k])), "relative error": e,
                   "worst single entry": res.worst_entry[k], "verdict": verdict(e)}
                  for k, e in res.per_tensor.items()], column_config={
        k: st.column_config.NumberColumn(format="%.1e") for k in ("relative error", "worst single entry")})


def tab(shown: bool) -> None:
    """Analytic (hand-written backward) vs centred finite-difference gradients of a small float64 net (controls only
    if not shown)."""
    if shown:
        frame.prose(INTRO)
        frame.equation(r"n_i = \frac{L(\theta + h e_i) - L(\theta - h e_i)}{2h},\qquad \text{relative error} = "
                       r"\frac{\lVert a - n \rVert}{\max(\lVert a \rVert, \lVert n \rVert)}")
    cfg = controls()
    if not shown:
        return
    prob = make_problem(cfg.seed)
    res = check(prob, cfg.bug, cfg.h)
    _verdict(cfg, res, torch_verdict(prob, cfg.bug))
    left, right = st.columns(2)
    charts.cached_chart("gc_tensors", cfg, lambda: tensor_errors(res), where=left)
    curves = h_curves(cfg.seed, cfg.bug)
    charts.cached_chart("gc_h_fig", cfg, lambda: h_curve(np.array(H_VALUES), curves, cfg.h), where=right)
    _table(res)
    frame.prose(
        "**Choosing h.** The centred difference is off by about h² (truncation) but subtracts two nearly equal "
        "losses, losing about eps / h to round-off (eps ≈ 1e-16 in float64, 1e-7 in float32). The best h sits "
        f"in between, near 1e-5 in float64 (best here {curves['float64'].min():.0e}); in float32 no h gets below "
        f"{curves['float32'].min():.0e}, so gradient checks use float64. Entry by entry the error is larger "
        "where a gradient is close to 0 (round-off over a tiny denominator), which is why the verdict reads "
        "whole tensors.")
