"""The input-preprocessing tabs of the activations page: a 2-D pixel cloud under random ReLUs, and the digits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from core.preprocessing import (
    HYPERPLANE_INITS,
    PREPROCESSINGS,
    active_shares,
    correlated_pixels,
    digits_whitening,
    eig,
    hyperplane_cuts,
    preprocess,
    random_hyperplanes,
)
from views import _ui as ui
from viz.preprocessing import (
    active_share_chart,
    covariance_pair,
    cut_counts_chart,
    digits_mosaic,
    scatter_panels,
    spectrum_chart,
)

CHART = dict(width="stretch", config={"displaylogo": False})
EPS_2D = [0.0, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1]
EPS_DIGITS = [0.0, 1e-4, 1e-3, 1e-2, 1e-1, 1.0]
DIGIT_ROWS = {"raw": False, "center": True, "pca": True, "zca": True}  # kind -> drawn with signed colours
DIGIT_UNITS = 200  # random ReLUs laid over the 64-pixel images


def seed() -> int:
    """The app-wide seed from the sidebar."""
    return int(st.session_state.get("seed", 0))


def shown_or_error(compute: Callable[..., Any], *args) -> Any | None:
    """compute(*args), or None after showing its ValueError as the sentence it is."""
    try:
        return compute(*args)
    except ValueError as exc:
        st.error(str(exc))
        return None


@dataclass(frozen=True)
class CloudConfig:
    """The 2-D pixel cloud and the random layer of ReLUs laid over it."""

    rho: float
    n: int
    units: int
    init: str  # HYPERPLANE_INITS key
    eps: float
    seed: int


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
    w, b = random_hyperplanes(DIGIT_UNITS, 64, "he_zero_bias", seed)
    shares = {PREPROCESSINGS[k]: active_shares(d.sets[k].x, w, b) for k in ("raw", "center", "zca")}
    return (digits_mosaic(rows, list(d.labels)), spectrum_chart(d.mean_image, d.eigenvalues, eps),
            covariance_pair(d.sets["raw"].cov, d.sets["zca"].cov, ("raw pixel covariance (64 × 64)",
                                                                    f"after ZCA whitening, eps = {eps:g}")),
            active_share_chart(shares, DIGIT_UNITS, len(d.sets["raw"].x)))


def _controls() -> CloudConfig:
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
    return CloudConfig(float(rho), int(n), int(units), init, float(eps), seed())


def cloud_tab() -> None:
    st.markdown(
        "Two neighbouring pixels of a natural image: both intensities are positive and strongly correlated. "
        "A freshly initialized ReLU unit splits the plane along its line **w·x + b = 0**. Seen from the origin, "
        "the raw cloud spans a narrow angle, so most lines with a small bias miss it: those units are either "
        "**dead** on every input or **purely linear**. Centring puts the cloud around the origin, where every "
        "line through it cuts; scaling and whitening make the cloud round. The purple arrows on the raw cloud "
        "are the covariance eigenvectors (length 2√λ): PCA rotates onto them, ZCA rotates back.")
    cfg = _controls()
    got = shown_or_error(_cloud, cfg)
    if got is None:
        return
    scatter, bars, table, counts = got
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


def digits_tab() -> None:
    st.markdown(
        "The same steps on all 1797 digit images (64 pixels, intensities in [0, 1]). The centred row subtracts "
        "the **mean image**. PCA whitening rotates the pixels onto the principal directions, so the picture is "
        "gone; **ZCA** rotates back, leaving the transform closest to the original (W = Σ⁻½): edges are "
        "enhanced, flat regions fade. Corner pixels are always 0, so the covariance is singular and eps must be "
        "above 0; a small eps amplifies the noisy low-variance directions (the green gain on the right).")
    with st.columns([1, 2])[0]:
        eps = ui.select_slider("eps (digits)", EPS_DIGITS, 0.1, key="pre_deps", format_func=lambda v: f"{v:g}",
                               help="Added to each eigenvalue before 1/√(λ + eps).")
    got = shown_or_error(_digits, float(eps), seed())
    if got is not None:
        _digit_charts(*got)


def _digit_charts(mosaic, spectrum, cov, shares) -> None:
    st.plotly_chart(mosaic, key="pre_mosaic", **CHART)
    left, right = st.columns([1.2, 1])
    left.plotly_chart(spectrum, key="pre_spectrum", **CHART)
    right.plotly_chart(cov, key="pre_cov", **CHART)
    left, right = st.columns([1.6, 1])
    left.plotly_chart(shares, key="pre_shares", **CHART)
    right.markdown(
        f"**The centring argument in 64 dimensions.** {DIGIT_UNITS} ReLUs with He weights and zero bias (seeded). "
        "In many dimensions nearly every random hyperplane passes through the cloud somewhere, so the question "
        "becomes *how evenly* it splits it. Raw pixels are all ≥ 0 and share a large mean, so w·x is dominated "
        "by w·mean: many units are on for almost every image or off for almost every image, a near-dead or "
        "near-linear unit. After centring every unit is on for about half of the images.")
