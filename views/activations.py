"""Activations & inputs: what each nonlinearity does to its input, and why inputs are centred and whitened."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st
import torch

from core.activation_stats import depth_products, explore, push_gaussian
from core.activations import ACTIVATIONS_1D
from core.preprocessing import (
    HYPERPLANE_INITS,
    PREPROCESSINGS,
    correlated_pixels,
    digits_whitening,
    eig,
    hyperplane_cuts,
    preprocess,
    random_hyperplanes,
)
from views import _ui as ui
from viz.activations import depth_chart, explorer_chart, push_chart
from viz.preprocessing import covariance_pair, cut_counts_chart, digits_mosaic, scatter_panels, spectrum_chart

torch.set_num_threads(1)  # torch only evaluates Phi here; one thread is fastest on a shared 2-core machine
CHART = dict(width="stretch", config={"displaylogo": False})
THRESHOLDS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5]
EPS_2D = [0.0, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1]
EPS_DIGITS = [0.0, 1e-4, 1e-3, 1e-2, 1e-1, 1.0]
DIGIT_ROWS = {"raw": False, "center": True, "pca": True, "zca": True}  # kind -> drawn with signed colours


@dataclass(frozen=True)
class ActConfig:
    """The activation and the pre-activation distribution z ~ N(mu, sigma^2) it is fed."""

    name: str
    mu: float
    sigma: float
    threshold: float  # saturated where |f'| < threshold * max |f'|
    seed: int


@dataclass(frozen=True)
class CloudConfig:
    """The 2-D pixel cloud and the random layer of ReLUs laid over it."""

    rho: float
    n: int
    units: int
    init: str  # HYPERPLANE_INITS key
    eps: float
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


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def _cloud(cfg: CloudConfig):
    x = correlated_pixels(cfg.n, cfg.rho, cfg.seed)
    w, b = random_hyperplanes(cfg.units, 2, cfg.init, cfg.seed)
    sets = {PREPROCESSINGS[k]: preprocess(x, k, cfg.eps) for k in PREPROCESSINGS}
    cuts = {t: hyperplane_cuts(p.x, w, b) for t, p in sets.items()}
    lam, U = eig(x)
    scatter = scatter_panels([(t, p.x, cuts[t]) for t, p in sets.items()], w, b, (x.mean(axis=0), lam, U))
    # + 0.0 after rounding: a mean of -3e-17 reads as 0.0000, not -0.0000
    table = pd.DataFrame([{"preprocessing": t, "var x₁": p.cov[0, 0], "var x₂": p.cov[1, 1], "cov": p.cov[0, 1],
                           "mean x₁": round(p.x[:, 0].mean(), 10) + 0.0, "mean x₂": round(p.x[:, 1].mean(), 10) + 0.0}
                          for t, p in sets.items()])
    counts = {t: c.counts for t, c in cuts.items()}
    return scatter, cut_counts_chart(counts, cfg.units), table, counts


@st.cache_data(max_entries=16, ttl=3600, show_spinner="Whitening 1797 digit images…")
def _digits(eps: float, seed: int):
    d = digits_whitening(eps, seed)
    rows = [(PREPROCESSINGS[k], d.sets[k].x[d.shown].reshape(-1, 8, 8), signed) for k, signed in DIGIT_ROWS.items()]
    return (digits_mosaic(rows, list(d.labels)), spectrum_chart(d.mean_image, d.eigenvalues, eps),
            covariance_pair(d.sets["raw"].cov, d.sets["zca"].cov, ("raw pixel covariance (64 × 64)",
                                                                    f"after ZCA whitening, eps = {eps:g}")))


def _seed() -> int:
    return int(st.session_state.get("seed", 0))


def _act_controls() -> ActConfig:
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
    return ActConfig(name, float(mu), float(sigma), float(thr), _seed())


def _activation_tab() -> None:
    cfg = _act_controls()
    act = ACTIVATIONS_1D[cfg.name]
    try:
        e, fig = _explorer(cfg)
        p, hist = _push(cfg)
    except ValueError as exc:
        st.error(str(exc))
        return
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
    try:
        _, chain = _depth(cfg, int(depth))
    except ValueError as exc:
        left.error(str(exc))
    else:
        left.plotly_chart(chain, key="act_depth_chart", **CHART)
    right.markdown(
        "**Reading it.** Backpropagation multiplies the gradient by f′(z) at every layer. With the sigmoid that "
        "factor is at most ¼, so after 20 layers the gradient is at most 4⁻²⁰ ≈ 10⁻¹²: it *vanishes*. Tanh "
        "reaches 1 only at z = 0 and saturates on both sides. ReLU passes exactly 1 or 0: no vanishing, but a "
        "path through a unit with z ≤ 0 is cut, and a unit whose input is almost always negative (move the mean "
        "left) is **dead**. Leaky ReLU, ELU, GELU and SiLU keep a small slope there; maxout never saturates.")
    right.caption("Each layer draws a fresh z ~ N(μ, σ²) for 4000 random paths. The weights multiply in too: "
                  "He initialization's variance 2/fan_in exists to cancel ReLU's E[f′(z)²] = ½; this chart "
                  "isolates the activation's share.")


def _cloud_controls() -> CloudConfig:
    c = st.columns([1, 1, 1, 1.3, 1.2])
    with c[0]:
        rho = ui.slider("Correlation ρ", 0.0, 0.99, 0.9, 0.01, key="pre_rho",
                        help="Correlation of the two neighbouring pixel intensities.")
    with c[1]:
        n = ui.slider("Points", 50, 2000, 300, 50, key="pre_n")
    with c[2]:
        units = ui.slider("ReLU units", 1, 100, 20, key="pre_units",
                          help="Width of the random first layer whose lines w·x + b = 0 are drawn.")
    with c[3]:
        init = ui.radio("Initialization", list(HYPERPLANE_INITS), key="pre_init", horizontal=True,
                        format_func=lambda k: {"he_zero_bias": "He, b = 0", "torch": "torch default"}[k],
                        help=" · ".join(HYPERPLANE_INITS.values()))
    with c[4]:
        eps = ui.select_slider("eps (whitening)", EPS_2D, 1e-5, key="pre_eps", format_func=lambda v: f"{v:g}",
                               help="Added to each variance before dividing by its square root.")
    return CloudConfig(float(rho), int(n), int(units), init, float(eps), _seed())


def _cloud_tab() -> None:
    st.markdown(
        "Two neighbouring pixels of a natural image: both intensities are positive and strongly correlated. "
        "A freshly initialized ReLU unit splits the plane along its line **w·x + b = 0**. Seen from the origin, "
        "the raw cloud spans a narrow angle, so most lines with a small bias miss it: those units are either "
        "**dead** on every input or **purely linear**. Centring puts the cloud around the origin, where every "
        "line through it cuts; scaling and whitening make the cloud round. The purple arrows on the raw cloud "
        "are the covariance eigenvectors (length 2√λ): PCA rotates onto them, ZCA rotates back.")
    cfg = _cloud_controls()
    try:
        scatter, bars, table, counts = _cloud(cfg)
    except ValueError as exc:
        st.error(str(exc))
        return
    st.plotly_chart(scatter, key="pre_scatter", **CHART)
    left, right = st.columns([1, 1.1])
    left.plotly_chart(bars, key="pre_counts", **CHART)
    with right:
        st.markdown("**Covariance of the data after each step** (1/n convention)")
        st.dataframe(table, hide_index=True, width="stretch", column_config={
            k: st.column_config.NumberColumn(format="%.4f") for k in table.columns if k != "preprocessing"})
        raw, centred = counts[PREPROCESSINGS["raw"]][0], counts[PREPROCESSINGS["center"]][0]
        st.markdown(f"Raw: **{raw} of {cfg.units}** units cut the data; centred: **{centred}**. Whitening "
                    "leaves cov = I only when eps ≪ the smallest variance: raise eps and watch the diagonal "
                    "shrink to λ/(λ+eps).")


def _digits_tab() -> None:
    st.markdown(
        "The same steps on all 1797 digit images (64 pixels, intensities in [0, 1]). The centred row subtracts "
        "the **mean image**. PCA whitening rotates the pixels onto the principal directions, so the picture is "
        "gone; **ZCA** rotates back, leaving the transform closest to the original (W = Σ⁻½): edges are "
        "enhanced, flat regions fade. Corner pixels are always 0, so the covariance is singular and eps must be "
        "above 0; a small eps amplifies the noisy low-variance directions (the green gain on the right).")
    with st.columns([1, 2])[0]:
        eps = ui.select_slider("eps (digits)", EPS_DIGITS, 0.1, key="pre_deps", format_func=lambda v: f"{v:g}",
                               help="Added to each eigenvalue before 1/√(λ + eps).")
    try:
        mosaic, spectrum, cov = _digits(float(eps), _seed())
    except ValueError as exc:
        st.error(str(exc))
        return
    st.plotly_chart(mosaic, key="pre_mosaic", **CHART)
    left, right = st.columns([1.2, 1])
    left.plotly_chart(spectrum, key="pre_spectrum", **CHART)
    right.plotly_chart(cov, key="pre_cov", **CHART)


INTRO = (
    "Two things decide whether a deep net can learn at all before any normalization layer helps: the "
    "**nonlinearity** (its slope is multiplied into every backpropagated gradient) and the **input** it is fed "
    "(where the data sit relative to the randomly initialized units). Everything here is seeded by the sidebar seed."
)

with ui.page("Activations & inputs", INTRO):
    acts, cloud, digits = st.tabs(["Activation explorer", "Input preprocessing (2-D)", "Digits whitening"])
    with acts:
        _activation_tab()
    with cloud:
        _cloud_tab()
    with digits:
        _digits_tab()
