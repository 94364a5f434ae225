"""Activations & inputs: what each nonlinearity does to its input, and why inputs are centred and whitened."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.activation_stats import depth_products, explore, push_gaussian
from core.activations import ACTIVATIONS_1D
from views import _ui as ui
from views._act_inputs import CHART, cloud_tab, digits_tab, seed, shown_or_error
from viz.activations import depth_chart, explorer_chart, push_chart

THRESHOLDS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5]
# One-click settings (buttons above the controls, and the home gallery's ?example=<name> links).
PRESETS = {
    "sigmoid_depth": ("Sigmoid through 30 layers", dict(act_fn="sigmoid", act_mu=0.0, act_sd=1.0, act_depth=30)),
    "dead_relus": ("Dead ReLUs (μ = −1.5)", dict(act_fn="relu", act_mu=-1.5, act_sd=1.0, act_depth=20)),
    "gelu_dip": ("GELU's negative dip", dict(act_fn="gelu", act_mu=-1.0, act_sd=1.5, act_thr=0.1)),
}


@dataclass(frozen=True)
class ActConfig:
    """The activation and the pre-activation distribution z ~ N(mu, sigma^2) it is fed."""

    name: str
    mu: float
    sigma: float
    threshold: float  # saturated where |f'| < threshold * max |f'|
    seed: int


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def _explorer(cfg: ActConfig):
    e = explore(cfg.name, cfg.mu, cfg.sigma, cfg.threshold)
    return e, explorer_chart(e, ACTIVATIONS_1D[cfg.name].title, cfg.threshold)


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def _push(cfg: ActConfig):
    p = push_gaussian(cfg.name, cfg.mu, cfg.sigma, cfg.threshold, seed=cfg.seed)
    return p, push_chart(p, ACTIVATIONS_1D[cfg.name].title)


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def _depth(cfg: ActConfig, depth: int):
    d = depth_products(cfg.name, cfg.mu, cfg.sigma, depth, seed=cfg.seed)
    return d, depth_chart(d, ACTIVATIONS_1D[cfg.name].title)


def _apply_preset(name: str) -> None:
    st.session_state.update(PRESETS[name][1])


def _act_controls() -> ActConfig:
    row = st.container(horizontal=True)
    for k, (title, _) in PRESETS.items():
        row.button(title, key=f"act_preset_{k}", on_click=_apply_preset, args=(k,), icon=":material/bolt:")
    c = st.columns([1.3, 1, 1, 1.2])
    with c[0]:
        name = ui.selectbox("Activation", list(ACTIVATIONS_1D), key="act_fn", index=2,
                            format_func=lambda k: ACTIVATIONS_1D[k].title)
    with c[1]:
        mu = ui.slider("Pre-activation mean", -5.0, 5.0, 0.0, 0.1, key="act_mu",
                       help="Mean μ of the Gaussian z ~ N(μ, σ²) fed to the activation (green density).")
    with c[2]:
        sigma = ui.slider("Pre-activation std", 0.1, 5.0, 1.0, 0.1, key="act_sd",
                          help="Standard deviation σ of the pre-activation z.")
    with c[3]:
        thr = ui.select_slider("Saturation threshold", THRESHOLDS, 0.1, key="act_thr", format_func=lambda v: f"{v:g}",
                               help="Shade where |f′(x)| is below this fraction of its maximum: there backprop "
                                    "shrinks the gradient more than that.")
    return ActConfig(name, float(mu), float(sigma), float(thr), seed())


def _activation_tab() -> None:
    cfg = _act_controls()
    act = ACTIVATIONS_1D[cfg.name]
    explored, pushed = shown_or_error(_explorer, cfg), shown_or_error(_push, cfg)
    if explored is None or pushed is None:
        return
    (e, fig), (p, hist) = explored, pushed
    if st.session_state.get("eq", True):
        st.latex(rf"f(x) = {act.latex} \qquad f'(x) = {act.dlatex}")
    st.caption(act.note)
    m = st.columns(4)
    m[0].metric("max |f′|", f"{e.peak:.4g}", help="The best a gradient can do through one unit.")
    m[1].metric("inputs in the saturated region", f"{e.saturated:.1%}",
                help="P(z in the shaded region) for z ~ N(μ, σ²), exact (Gaussian CDF).")
    m[2].metric("dead ReLUs: Φ(−μ/σ)", f"{e.dead_relu:.1%}",
                help="Share of ReLU inputs z ≤ 0, where the ReLU passes no gradient, for this μ and σ.")
    m[3].metric("output mean ± std", f"{p.out.mean:.3g} ± {p.out.std:.3g}", help="Of f(z) over 20 000 samples.")
    st.plotly_chart(fig, key="act_explorer", **CHART)
    st.plotly_chart(hist, key="act_push", **CHART)
    left, right = st.columns([1.3, 1])
    with right:
        depth = ui.slider("Depth", 1, 60, 20, key="act_depth",
                          help="Layers the gradient flows back through; each multiplies it by f′(z) of a fresh z.")
    with left:
        chain = shown_or_error(_depth, cfg, int(depth))
        if chain is not None:
            st.plotly_chart(chain[1], key="act_depth_chart", **CHART)
    right.markdown(
        "**Reading it.** Backpropagation multiplies the gradient by f′(z) at every layer. With the sigmoid that "
        "factor is at most ¼, so after 20 layers the gradient is at most 4⁻²⁰ ≈ 10⁻¹²: it *vanishes*. Tanh "
        "reaches 1 only at z = 0 and saturates on both sides. ReLU passes exactly 1 or 0: no vanishing, but a "
        "path through a unit with z ≤ 0 is cut, and a unit whose input is almost always negative (move the mean "
        "left) is **dead**. Leaky ReLU, ELU, GELU and SiLU keep a small slope there; maxout never saturates.")
    right.caption("Each layer draws a fresh z ~ N(μ, σ²) for 4000 random paths. The weights multiply in too: "
                  "He initialization's variance 2/fan_in exists to cancel ReLU's E[f′(z)²] = ½; this chart "
                  "isolates the activation's share.")


INTRO = (
    "Two things decide whether a deep net can learn at all before any normalization layer helps: the "
    "**nonlinearity** (its slope is multiplied into every backpropagated gradient) and the **input** it is fed "
    "(where the data sit relative to the randomly initialized units). Everything here is seeded by the sidebar seed."
)

TABS = ["Activation explorer", "Input preprocessing (2-D)", "Digits whitening"]

with ui.page("Activations & inputs", INTRO):
    ui.linked_example(_apply_preset, list(PRESETS))  # a home-gallery link names one of the presets
    # Lazy tabs: only the open one is built (the digits tab whitens 1797 images), and a link reopens it.
    for tab, body in zip(ui.tabs(TABS, key="atab"), (_activation_tab, cloud_tab, digits_tab), strict=True):
        if tab.open:
            with tab:
                body()
