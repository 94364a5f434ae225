"""The activation explorer tab: f and f' against the pre-activation density, samples pushed through, depth."""

from __future__ import annotations

from functools import partial

import streamlit as st

from core.activations import ACTIVATIONS_1D
from views.activations import ahead, controls, data
from views.activations.config import ActConfig, DepthConfig
from views.ui import charts, frame, server

READING = (
    "**Reading it.** Backpropagation multiplies the gradient by f′(z) at every layer. With the sigmoid that "
    "factor is at most ¼, so after 20 layers the gradient is at most 4⁻²⁰ ≈ 10⁻¹²: it *vanishes*. Tanh "
    "reaches 1 only at z = 0 and saturates on both sides. ReLU passes exactly 1 or 0: no vanishing, but a "
    "path through a unit with z ≤ 0 is cut, and a unit whose input is almost always negative (move the mean "
    "left) is **dead**. Leaky ReLU, ELU, GELU and SiLU keep a small slope there; maxout never saturates.")
# Activations with a whole region of zero slope: only there can a unit die (Leaky ReLU, ELU, GELU, SiLU and maxout
# keep a slope; sigmoid and tanh saturate but never reach 0). The others show the mean slope a gradient meets instead.
ZERO_SLOPE = {"relu"}
PATHS = ("Each layer draws a fresh z ~ N(μ, σ²) for 4000 random paths. The weights multiply in too: "
         "He initialization's variance 2/fan_in exists to cancel ReLU's E[f′(z)²] = ½; this chart "
         "isolates the activation's share.")


@server.fragment
def tab(shown: bool) -> None:
    """The explorer's controls and everything they drive: a tick of one reruns this tab, not the page."""
    show(controls.activation(), shown)


def show(cfg: ActConfig, shown: bool = True) -> None:
    """The formula, the four numbers, the explorer and push charts, then the depth chart with its slider (only the
    slider when the tab is not shown)."""
    if not shown:
        controls.depth(cfg)
        return
    act = ACTIVATIONS_1D[cfg.name]
    if (e := data.shown_or_error(data.explored, cfg)) is None:  # a refused mu or sigma is already said
        return
    present = frame.presenting()
    top = st.container()
    left, right = st.columns([1.3, 1])
    with right:  # read before the charts: the depth chart's neighbours are drawn at its depth
        depth = controls.depth(cfg)
    # Each chart carries its figures at the means a tick reaches next, for the browser to draw the moment the thumb
    # moves (views/activations/ahead.py); the numbers follow the round trip.
    near = ahead.beside(cfg, depth.depth)
    with top:
        # Nobody clicks on these charts: a tick updates them in place (no blank panel, and a third of a remount's
        # browser time; docs/performance.md).
        explorer = partial(charts.live, data.explorer_figure(cfg), "act_explorer",
                           ahead=ahead.figures(data.explorer_figure, near, cfg.mu))
        if present:  # on a projector the chart sits right under its controls, the numbers below it
            explorer()
        # The formula and the numbers sit above the chart but are filled after it: the chart leaves first on a tick.
        numbers = st.container()
        if not present:
            explorer()
        charts.live(data.push_figure(cfg), "act_push", ahead=ahead.figures(data.push_figure, near, cfg.mu))
    _depth(depth, near, left, right)
    with numbers:
        _numbers(cfg, act, e, data.pushed(cfg))
    ahead.prepare(cfg, depth.depth)  # what the next tick reads, computed while the student looks at this one


def _numbers(cfg: ActConfig, act, e, p) -> None:
    if frame.show_equations():
        st.latex(rf"f(x) = {act.latex} \qquad f'(x) = {act.dlatex}")
    st.caption(act.note)
    m = st.columns(4)
    m[0].metric("max |f′|", f"{e.peak:.4g}", help="The best a gradient can do through one unit.")
    m[1].metric("inputs in the saturated region", f"{e.saturated:.1%}",
                help="P(z in the shaded region) for z ~ N(μ, σ²), exact (Gaussian CDF).")
    if cfg.name in ZERO_SLOPE:
        m[2].metric("dead ReLUs: Φ(−μ/σ)", f"{e.dead_relu:.1%}",
                    help="Share of ReLU inputs z ≤ 0, where the ReLU passes no gradient, for this μ and σ.")
    else:
        m[2].metric("mean slope E|f′(z)|", f"{data.mean_slope(cfg):.3g}",
                    help=f"The factor a gradient is multiplied by through one {act.title} unit, on average over "
                         "z ~ N(μ, σ²); no input has zero slope, so no unit dies.")
    m[3].metric("output mean ± std", f"{p.out.mean:.3g} ± {p.out.std:.3g}", help="Of f(z) over 20 000 samples.")


def _depth(depth: DepthConfig, near: list[ActConfig], left, right) -> None:
    with left:  # a ValueError's sentence takes the chart's place
        chain = data.shown_or_error(data.depth_figure, depth)
        if chain is not None:
            charts.live(chain, "act_depth_chart", ahead=ahead.figures(
                lambda c: data.depth_figure(DepthConfig(c, depth.depth)), near, depth.act.mu))
    with right:
        frame.prose(READING)
    right.caption(PATHS)
    charts.plotly_js("act_plotly_js")  # the plotly.js the in-place charts draw with
