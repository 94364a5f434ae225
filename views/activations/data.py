"""The page's cached computations: core results and plain figure dicts, keyed by the frozen configs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from core.activation_stats import Explorer, Pushed, depth_products, expected_abs_slope, explore, push_gaussian
from core.activations import ACTIVATIONS_1D
from core.preprocessing import (
    PREPROCESSINGS,
    active_shares,
    correlated_pixels,
    digits_whitening,
    eig,
    hyperplane_cuts,
    preprocess,
    random_hyperplanes,
)
from views.activations.config import ActConfig, CloudConfig, DepthConfig, DigitsConfig
from views.ui import cache, payload
from viz.activations import depth_chart, explorer_chart, push_chart
from viz.preprocessing import (
    active_share_chart,
    covariance_pair,
    cut_counts_chart,
    digits_mosaic,
    scatter_panels,
    spectrum_chart,
)
from viz.theme import plain

DIGIT_ROWS = {"raw": False, "center": True, "pca": True, "zca": True}  # kind -> drawn with signed colours
DIGIT_UNITS = 200  # random ReLUs laid over the 64-pixel images
# A frozen config of plain fields is identified by its repr, at a fraction of Streamlit's dataclass hashing.
HASH = {ActConfig: repr, DepthConfig: repr, CloudConfig: repr, DigitsConfig: repr}


def shown_or_error(compute: Callable[..., Any], *args) -> Any | None:
    """compute(*args), or None after showing its ValueError as the sentence it is."""
    try:
        return compute(*args)
    except ValueError as exc:
        st.error(str(exc))
        return None


# Process-wide (views.ui.cache), not st.cache_data: the next value of the mean is prepared by a job's thread
# (views/activations/ahead.py), and the page then finds it here.
@cache.shared("act_explored", max_mb=8)
def explored(cfg: ActConfig) -> Explorer:
    """f, f', the pre-activation density and the exact saturated and dead-ReLU shares."""
    return explore(cfg.name, cfg.mu, cfg.sigma, cfg.threshold)


@cache.shared("act_mean_slopes", max_mb=1)
def mean_slope(cfg: ActConfig) -> float:
    """E|f'(z)| for z ~ N(mu, sigma^2): the mean factor a gradient meets through one unit."""
    return expected_abs_slope(cfg.name, cfg.mu, cfg.sigma)


@cache.shared("act_explorer_figures", max_mb=16)  # ~60 KB each
def explorer_figure(cfg: ActConfig) -> dict:
    """The explorer chart (f, f', density, shaded saturation) as a plain dict."""
    return payload.seal(plain(explorer_chart(explored(cfg), ACTIVATIONS_1D[cfg.name].title, cfg.threshold)))


@cache.shared("act_pushed", max_mb=8)
def pushed(cfg: ActConfig) -> Pushed:
    """Histograms of z, f(z) and f'(z) over seeded Gaussian samples z ~ N(mu, sigma^2)."""
    return push_gaussian(cfg.name, cfg.mu, cfg.sigma, cfg.threshold, seed=cfg.seed)


@cache.shared("act_push_figures", max_mb=8)
def push_figure(cfg: ActConfig) -> dict:
    """The pushed-through histograms as a plain dict."""
    return payload.seal(plain(push_chart(pushed(cfg), ACTIVATIONS_1D[cfg.name].title)))


@cache.shared("act_depth_figures", max_mb=8)
def depth_figure(cfg: DepthConfig) -> dict:
    """The gradient's product of f'(z) over 1..depth layers (random paths) as a plain dict."""
    act = cfg.act
    d = depth_products(act.name, act.mu, act.sigma, cfg.depth, seed=act.seed)
    return plain(depth_chart(d, ACTIVATIONS_1D[act.name].title))


@dataclass(frozen=True)
class Cloud:
    """The 2-D tab: its figures (plain dicts), the covariance rows and (cut, off, on) unit counts per preprocessing."""

    scatter: dict
    counts_chart: dict
    table: list[dict]
    counts: dict[str, tuple[int, int, int]]  # by PREPROCESSINGS title


def _table_row(title: str, x, cov) -> dict:
    # + 0.0 after rounding: a mean of -3e-17 reads as 0.0000, not -0.0000
    return {"preprocessing": title, "var x₁": float(cov[0, 0]), "var x₂": float(cov[1, 1]), "cov": float(cov[0, 1]),
            "mean x₁": round(float(x[:, 0].mean()), 10) + 0.0, "mean x₂": round(float(x[:, 1].mean()), 10) + 0.0}


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False, hash_funcs=HASH)
def cloud(cfg: CloudConfig) -> Cloud:
    """The pixel cloud under every preprocessing, cut by the same random ReLU layer."""
    x = correlated_pixels(cfg.n, cfg.rho, cfg.seed)
    w, b = random_hyperplanes(cfg.units, 2, cfg.init, cfg.seed)
    sets = {PREPROCESSINGS[k]: preprocess(x, k, cfg.eps) for k in PREPROCESSINGS}
    cuts = {t: hyperplane_cuts(p.x, w, b) for t, p in sets.items()}
    lam, U = eig(x)
    scatter = scatter_panels([(t, p.x, cuts[t]) for t, p in sets.items()], w, b, (x.mean(axis=0), lam, U))
    counts = {t: c.counts for t, c in cuts.items()}
    return Cloud(plain(scatter), plain(cut_counts_chart(counts, cfg.units)),
                 [_table_row(t, p.x, p.cov) for t, p in sets.items()], counts)


@dataclass(frozen=True)
class Digits:
    """The digits tab's figures as plain dicts."""

    mosaic: dict
    spectrum: dict
    covariance: dict
    shares: dict


@st.cache_data(max_entries=16, ttl=3600, show_spinner="Whitening 1797 digit images…", hash_funcs=HASH)
def digits(cfg: DigitsConfig) -> Digits:
    """Example digits raw, centred, PCA- and ZCA-whitened; the spectrum, the covariances, the ReLUs' active shares."""
    d = digits_whitening(cfg.eps, cfg.seed)
    rows = [(PREPROCESSINGS[k], d.sets[k].x[d.shown].reshape(-1, 8, 8), signed) for k, signed in DIGIT_ROWS.items()]
    w, b = random_hyperplanes(DIGIT_UNITS, 64, "he_zero_bias", cfg.seed)
    shares = {PREPROCESSINGS[k]: active_shares(d.sets[k].x, w, b) for k in ("raw", "center", "zca")}
    titles = ("raw pixel covariance (64 × 64)", f"after ZCA whitening, eps = {cfg.eps:g}")
    return Digits(plain(digits_mosaic(rows, list(d.labels))),
                  plain(spectrum_chart(d.mean_image, d.eigenvalues, cfg.eps)),
                  plain(covariance_pair(d.sets["raw"].cov, d.sets["zca"].cov, titles)),
                  plain(active_share_chart(shares, DIGIT_UNITS, len(d.sets["raw"].x))))
