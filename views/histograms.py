"""Activation histograms: the same deep net trained live with and without normalization, side by side."""

from __future__ import annotations

import threading
import time
from dataclasses import asdict

import streamlit as st

from core.layer_stats import PairedTrainer
from views import _ui as ui
from views._hist_controls import NORM_TITLES, PairConfig, controls
from views._hist_curves import curves
from views._hist_data import OWN, own_split, refusal
from views._hist_export import downloads
from views._hist_layers import layer_chart, layout_radio, layout_toggle
from views._hist_saturation import saturation_section
from views._hist_tabs import batch_size_tab, init_lab_tab

# session_state[STATE] = {"config", "pair", "playing", "lock"}: one trainer per browser session. The lock
# matters: a full rerun can start while the previous run's fragment is still training the same nets.
STATE = "hist_pair"
REFRESH_S = 0.25  # the live view redraws four times a second
BUDGET_S = 0.12  # training time per refresh, the rest is left for drawing


def _pair(cfg: PairConfig, lr: float) -> PairedTrainer:
    """This session's trainer; rebuilt (paused, step 0) when a structural setting changed, else lr updated."""
    state = st.session_state.get(STATE)
    if state is None or state["config"] != cfg:
        kw = asdict(cfg)
        digest = kw.pop("upload")
        split = own_split(digest) if cfg.dataset == OWN else None
        pair = PairedTrainer(**kw, lr=lr, split=split)
        state = st.session_state[STATE] = {"config": cfg, "pair": pair, "playing": False,
                                           "lock": threading.Lock()}
    elif state["pair"].optimizer.param_groups[0]["lr"] != lr:
        with state["lock"]:
            state["pair"].set_lr(lr)
    return state["pair"]


def _buttons(pair: PairedTrainer) -> None:
    state = st.session_state[STATE]
    row = st.container(horizontal=True)
    if state["playing"]:
        if row.button("Pause", icon=":material/pause:"):
            state["playing"] = False
            st.rerun()
    elif row.button("Play", icon=":material/play_arrow:", type="primary",
                     disabled=pair.diverged_at is not None):
        state["playing"] = True
        st.rerun()
    if row.button("Step", icon=":material/skip_next:", help="Train one more recorded interval."):
        with state["lock"]:
            pair.step(pair.history.stride)
    if row.button("Reset", icon=":material/restart_alt:"):
        del st.session_state[STATE]
        st.rerun()
    downloads(row, pair, state["lock"], _names(state["config"]))


def _names(cfg: PairConfig) -> tuple[str, str]:
    return "No normalization", NORM_TITLES[cfg.norm]


def _train(pair: PairedTrainer) -> None:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < BUDGET_S and pair.diverged_at is None:
        pair.step(5)


@st.fragment(run_every=REFRESH_S)
def _live_running() -> None:
    _live(train=True)


@st.fragment
def _live_paused() -> None:
    _live(train=False)


def _live(train: bool) -> None:
    state = st.session_state.get(STATE)
    if state is None:
        return
    pair = state["pair"]
    with state["lock"]:
        if train and state["playing"]:
            _train(pair)
        # While playing, the latest record (<= one interval old) saves a measurement per redraw.
        snap, snaps = pair.snapshot(fresh=not (train and state["playing"])), list(pair.history)
    if train and state["playing"] and pair.diverged_at is not None:
        state["playing"] = False
        st.rerun(scope="app")
    if snaps[-1].step != snap.step:
        snaps.append(snap)
    names = _names(state["config"])
    if pair.diverged_at is not None:
        who = " and ".join(pair.diverged_nets) + " net"
        st.warning(ui.diverged(f"The {who}", pair.diverged_at) + ": the loss is no longer a finite number. "
                   "Training paused; the last good statistics stay on screen. Lower the learning rate or Reset.")
    c = st.columns(2)
    with c[0]:
        kind = ui.radio("Show", ["pre", "post", "grad"], key="kind", horizontal=True,
                        format_func=lambda k: {"pre": "pre-activation", "post": "post-activation",
                                               "grad": "gradient"}[k])
        every = layout_toggle()
    with c[1]:
        how = layout_radio(every)
        st.markdown(f"**Step {snap.step}** · test accuracy {snap.plain.test_accuracy:.1%} (no norm) vs "
                    f"{snap.normed.test_accuracy:.1%} ({names[1].lower()})")
    layer_chart(snap, snaps, kind, names, how, every)
    curves(snap, snaps, pair.diverged_at, names, kind)
    saturation_section(snap, snaps, names, state["config"].activation)


def _live_tab(cfg: PairConfig, lr: float) -> None:
    if cfg.dataset == OWN and not cfg.upload:
        if refusal():
            st.error(f"This file cannot be used: {refusal()}", icon=":material/block:")
        st.info("Upload a CSV in the sidebar (under **Dataset**) to train both nets on your own data.",
                icon=":material/upload_file:")
        return
    try:
        pair = _pair(cfg, lr)
    except ValueError as exc:
        st.error(str(exc))
        return
    _buttons(pair)
    if st.session_state[STATE]["playing"]:
        _live_running()
    else:
        _live_paused()


INTRO = (
    "Two copies of one network start from **identical weights** and see the **same mini-batches** with the same "
    "optimizer; only the second normalizes each layer. Press **Play**: without normalization the distribution "
    "feeding each layer drifts while the weights change and learning crawls (the *internal covariate shift* of "
    "Ioffe & Szegedy, 2015, Figure 1); with batch norm it stays put and accuracy climbs fast. The **Init lab** "
    "shows why initialization matters at all, the **Batch-size experiment** where batch norm breaks."
)

with ui.page("Activation histograms", INTRO):
    cfg, lr = controls()
    live, lab, sweep = st.tabs(["Live training", "Init lab", "Batch-size experiment"])
    with live:
        _live_tab(cfg, lr)
    with lab:
        init_lab_tab()
    with sweep:
        batch_size_tab(cfg, lr)
