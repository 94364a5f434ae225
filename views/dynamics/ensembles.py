"""The ensembles tab: K independently seeded nets, each member's accuracy and that of their averaged probabilities."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from core.ensembles import K_RANGE, EnsembleConfig, Member, result_of
from views.dynamics import cost
from views.dynamics.data import ensemble_member, members_missing
from views.ui import budget, charts, frame, widgets
from viz.ensembles import ensemble_figure

INTRO = (
    "Train the same network **K times**, changing only the seed (initial weights, mini-batch order), and "
    "average the predicted class **probabilities**. The members make partly different mistakes, so the "
    "average is usually better than the typical member and often better than the best one: a reliable "
    "few-percent gain that costs K times the training and K times the prediction (CS231n, *Model "
    "ensembles*). The gain is largest when the members are unsure, here on a small training subset.")


def controls() -> EnsembleConfig:
    """The tab's widgets (URL keys ens_*), read into one config."""
    c = st.columns(4)
    with c[0]:
        k = widgets.slider("Members K", K_RANGE[0], K_RANGE[1], 5, key="ens_k")
    with c[1]:
        n_train = widgets.slider("Training examples ", 100, 1000, 300, 50, key="ens_n")
    with c[2]:
        width = widgets.select_slider("Width", (16, 32, 64, 128, 256), 64, key="ens_w")
    with c[3]:
        epochs = widgets.slider("Epochs ", 5, 60, 20, 5, key="ens_ep")
    return EnsembleConfig(int(k), int(n_train), int(width), epochs=int(epochs), seed=frame.seed())


def _estimate(cfg: EnsembleConfig, members: int) -> float:
    return cost.seconds(cfg.n_train, cfg.depth, cfg.width, cfg.epochs, cfg.batch_size, nets=members)


def _nearest(cfg: EnsembleConfig, shared: EnsembleConfig) -> str:
    """The closest ensemble that fits a job: fewer epochs at this K, else fewer members at 5 epochs."""
    missing = members_missing(shared, cfg.k)
    epochs = cost.largest(lambda e: budget.fits(_estimate(replace(cfg, epochs=e), missing)), 5, cfg.epochs)
    if epochs is not None:
        return f"{epochs // 5 * 5 or 5} epochs with {cfg.k} members"
    k = cost.largest(lambda k: budget.fits(_estimate(replace(cfg, epochs=5), k)), 1, cfg.k)
    return f"{max(k or 0, K_RANGE[0])} members at 5 epochs"


def _members(cfg: EnsembleConfig) -> list[Member] | None:
    """The K trained members: inline when few are missing, else a shared background job (None while it runs)."""
    cfg.validate()
    shared = replace(cfg, k=K_RANGE[0])  # members do not depend on K: growing K reuses the cached ones

    def work(tick: cost.Tick) -> list[Member]:
        out = []
        for i in range(cfg.k):
            tick(i / cfg.k, f"training member {i + 1} of {cfg.k}")
            out.append(ensemble_member(shared, i))
        return out
    return cost.compute(f"ensemble {cfg!r}", "Training the members", _estimate(cfg, members_missing(shared, cfg.k)),
                        work, lambda: _nearest(cfg, shared))


def tab(shown: bool) -> None:
    """K independently seeded nets, each member's accuracy and that of their averaged probabilities (controls only
    if not shown)."""
    if shown:
        frame.prose(INTRO)
        frame.equation(r"p_{\text{ensemble}}(y \mid x) = \frac{1}{K} \sum_{k=1}^{K} p_k(y \mid x)")
    cfg = controls()
    if not shown:
        return
    try:
        members = _members(cfg)
        if members is None:  # its job is running (progress shown) or the ensemble was refused
            return
        res = result_of(cfg, members)
    except ValueError as exc:
        st.error(str(exc))
        return
    bad = [str(i + 1) for i, m in enumerate(members) if m.diverged_at is not None]
    if bad:
        st.warning("Member(s) " + ", ".join(bad) + " diverged (non-finite loss) and count as wrong everywhere.")
    m = st.columns(3)
    m[0].metric("Ensemble accuracy", f"{res.ensemble_acc:.1%}")
    m[1].metric("Gain vs the mean single net", f"{res.gain_vs_mean * 100:+.1f} points")
    m[2].metric("Gain vs the best single net", f"{res.gain_vs_best * 100:+.1f} points")
    charts.cached_chart("ens_fig", cfg, lambda: ensemble_figure(res))
    st.caption(f"{cfg.k} members x {res.steps // cfg.k} Adam steps each = {res.steps} steps: K times the cost "
               "of one net. Validation = the held-out 25% of digits, the same rows for every member.")
