"""The widgets of the page, one function per config; this module owns their session keys (and the presets' writes)."""

from __future__ import annotations

import streamlit as st

from core.activations import ACTIVATIONS_1D
from core.preprocessing import HYPERPLANE_INITS
from views.activations.config import ActConfig, CloudConfig, DepthConfig, DigitsConfig, notch
from views.activations.presets import PRESETS
from views.ui import frame, widgets

THRESHOLDS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5]
EPS_2D = [0.0, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1]
EPS_DIGITS = [0.0, 1e-4, 1e-3, 1e-2, 1e-1, 1.0]
INIT_LABELS = {"he_zero_bias": "He, b = 0", "torch": "torch default"}
MEAN, MEAN_RANGE = "act_mu", (-5.0, 5.0, 0.1)  # the main slider (its charts are drawn ahead): key, (low, high, step)


def apply_preset(name: str) -> None:
    """Set the explorer's widgets to preset `name` (a button's callback, or a gallery link before the widgets exist)."""
    st.session_state.update(PRESETS[name][1])


def presets() -> None:
    """The preset buttons above the explorer's controls."""
    row = st.container(horizontal=True)
    for k, (title, _) in PRESETS.items():
        row.button(title, key=f"act_preset_{k}", on_click=apply_preset, args=(k,), icon=":material/bolt:")


def activation() -> ActConfig:
    """The explorer's controls: activation, pre-activation mean and std, saturation threshold."""
    c = st.columns([1.3, 1, 1, 1.2])
    with c[0]:
        name = widgets.selectbox("Activation", list(ACTIVATIONS_1D), key="act_fn", index=2,
                                 format_func=lambda k: ACTIVATIONS_1D[k].title)
    with c[1]:
        low, high, step = MEAN_RANGE
        mu = widgets.slider("Pre-activation mean", low, high, 0.0, step, key=MEAN,
                            help="Mean μ of the Gaussian z ~ N(μ, σ²) fed to the activation (green density).")
    with c[2]:
        sigma = widgets.slider("Pre-activation std", 0.1, 5.0, 1.0, 0.1, key="act_sd",
                               help="Standard deviation σ of the pre-activation z.")
    with c[3]:
        thr = widgets.select_slider("Saturation threshold", THRESHOLDS, 0.1, key="act_thr",
                                    format_func=lambda v: f"{v:g}",
                                    help="Shade where |f′(x)| is below this fraction of its maximum: there backprop "
                                         "shrinks the gradient more than that.")
    # Means and stds rounded to their 0.1 notches: a slider moved three notches gives 0.30000000000000004, which
    # would key a cache apart from the 0.3 prepared ahead (views/activations/ahead.py).
    return ActConfig(name, notch(mu), notch(sigma), float(thr), frame.seed())


def depth(act: ActConfig) -> DepthConfig:
    """The depth slider of the gradient-product chart."""
    layers = widgets.slider("Depth", 1, 60, 20, key="act_depth",
                            help="Layers the gradient flows back through; each multiplies it by f′(z) of a fresh z.")
    return DepthConfig(act, int(layers))


def cloud() -> CloudConfig:
    """The 2-D tab's controls: pixel correlation, points, ReLU units, their initialization, whitening eps."""
    c = st.columns([1, 1, 1, 1.3, 1.2])
    with c[0]:
        rho = widgets.slider("Correlation ρ", 0.0, 0.99, 0.9, 0.01, key="pre_rho",
                             help="Correlation of the two neighbouring pixel intensities.")
    with c[1]:
        n = widgets.slider("Points", 50, 2000, 300, 50, key="pre_n")
    with c[2]:
        units = widgets.slider("ReLU units", 1, 100, 20, key="pre_units",
                               help="Width of the random first layer whose lines w·x + b = 0 are drawn.")
    with c[3]:
        init = widgets.radio("Initialization", list(HYPERPLANE_INITS), key="pre_init", horizontal=True,
                             format_func=INIT_LABELS.__getitem__, help=" · ".join(HYPERPLANE_INITS.values()))
    with c[4]:
        eps = widgets.select_slider("eps (whitening)", EPS_2D, 1e-5, key="pre_eps", format_func=lambda v: f"{v:g}",
                                    help="Added to each variance before dividing by its square root.")
    return CloudConfig(float(rho), int(n), int(units), init, float(eps), frame.seed())


def digits() -> DigitsConfig:
    """The digits tab's whitening eps."""
    with st.columns([1, 2])[0]:
        eps = widgets.select_slider("eps (digits)", EPS_DIGITS, 0.1, key="pre_deps", format_func=lambda v: f"{v:g}",
                                    help="Added to each eigenvalue before 1/√(λ + eps).")
    return DigitsConfig(float(eps), frame.seed())
