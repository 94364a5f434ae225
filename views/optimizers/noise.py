"""Gradient-noise controls of the race (left column): sigma, kind and the paths drawn per optimizer."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from core.optim.noise import NOISES
from views.optimizers import cost
from views.optimizers.config import NoiseConfig
from views.optimizers.controls import race_size, schedule_slower
from views.ui import frame, widgets

SIGMAS = (0.0, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0)
PATHS_OFFERED = 16  # noisy paths per optimizer the page offers (core.optim.run allows MAX_PATHS)


def controls() -> NoiseConfig:
    """Sigma, kind and bundle size; sigma 0 (the default) is exact gradient descent."""
    st.markdown("**Stochastic gradients**")
    sigma = widgets.select_slider("Noise σ", SIGMAS, 0.0, key="nz_sigma", format_func=lambda v: f"{v:g}",
                                  help="0 = exact gradient descent. Above 0 every step sees a noisy gradient, as "
                                       "with minibatches: stochastic gradient descent.")
    kind = widgets.radio("Noise type", list(NOISES), key="nz_kind", format_func=lambda k: NOISES[k].title,
                         horizontal=True)
    paths = widgets.number_input("Paths per optimizer", 1, PATHS_OFFERED, 8, 1, key="nz_paths",
                                 help="Runs that differ only in their noise draws (used when σ > 0).")
    if not sigma:
        return NoiseConfig()  # exact gradients: kind, paths and seed change nothing, so they key no cache
    st.caption(f"${NOISES[kind].latex}$ with $\\xi \\sim \\mathcal N(0, I)$ drawn at every step: "
               f"{NOISES[kind].note}. Bold: noise path 0; faint lines and dots: the other paths and where "
               "they end (same Seed in the sidebar, same draws).")
    st.caption("Watch plain SGD jitter while momentum and Adam average several noisy gradients into a "
               "smoother path; with a constant lr every run keeps wandering near the minimum, a decaying "
               "schedule below (cosine, step) lets it settle.")
    return NoiseConfig(kind, float(sigma), int(paths or 1), frame.seed())


def within_budget(cfg: NoiseConfig, steps: int) -> NoiseConfig:
    """`cfg` with the most noisy paths (<= its own) that `steps` of the racing optimizers can run within a page
    run, and a caption when that is fewer; drawn by the Steps fragment, as the fit changes with Steps."""
    n, paths = race_size()["optimizers"], cfg.paths
    if not cfg.sigma or not n:
        return cfg
    slower = schedule_slower(race_size().get("names", ()))  # a plateau or momentum-cycling race runs slower
    fit = cost.most_rows(steps, n, paths, slower=slower)
    if fit < paths:
        what = f"{paths} noisy paths of {n} optimizers over {steps} steps"
        st.caption(cost.too_long(cost.seconds(steps, n, paths, slower=slower), what,
                                 f"{fit} path{'s' if fit > 1 else ''}", f"the race draws {fit}"))
    return replace(cfg, paths=fit)
