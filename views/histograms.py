"""Activation histograms: the same deep net trained live with and without normalization, side by side."""

from __future__ import annotations

import threading
import time
from dataclasses import asdict

import streamlit as st
import torch

from core.layer_stats import PairedTrainer
from views import _ui as ui
from views._hist_controls import NORM_TITLES, PairConfig, controls
from views._hist_tabs import batch_size_tab, init_lab_tab
from viz.histograms import pair_histograms
from viz.ridgeline import ridgeline, time_heatmap
from viz.training_curves import grad_norms, loss_accuracy, percentile_plot

# session_state[STATE] = {"config", "pair", "playing", "lock"}: one trainer per browser session. The lock
# matters: a full rerun can start while the previous run's fragment is still training the same nets.
STATE = "hist_pair"
# Tiny nets are dominated by per-op overhead: one thread is as fast unloaded and far faster when the cores are
# shared (two threads spin against each other and every other session). Process-wide, measured in bench/.
torch.set_num_threads(1)
REFRESH_S = 0.25  # the live view redraws four times a second
BUDGET_S = 0.12  # training time per refresh, the rest is left for drawing
CHART = dict(width="stretch", config={"displaylogo": False})


def _pair(cfg: PairConfig, lr: float) -> PairedTrainer:
    """This session's trainer; rebuilt (paused, step 0) when a structural setting changed, else lr updated."""
    state = st.session_state.get(STATE)
    if state is None or state["config"] != cfg:
        pair = PairedTrainer(**asdict(cfg), lr=lr)
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
    names = ("No normalization", NORM_TITLES[state["config"].norm])
    if pair.diverged_at is not None:
        who = " and ".join(pair.diverged_nets) + " net"
        st.warning(ui.diverged(f"The {who}", pair.diverged_at) + ": the loss is no longer a finite number. "
                   "Training paused; the last good statistics stay on screen. Lower the learning rate or Reset.")
    c = st.columns([2, 2, 3])
    with c[0]:
        kind = ui.radio("Show", ["pre", "post", "grad"], key="kind", horizontal=True,
                        format_func=lambda k: {"pre": "pre-activation", "post": "post-activation",
                                               "grad": "gradient"}[k])
    c[2].markdown(f"**Step {snap.step}** · test accuracy {snap.plain.test_accuracy:.1%} (no norm) vs "
                  f"{snap.normed.test_accuracy:.1%} ({names[1].lower()})")
    st.plotly_chart(pair_histograms(snap, kind, names), key="hist_layers", **CHART)
    left, right = st.columns(2)
    left.plotly_chart(loss_accuracy(snaps, names, pair.diverged_at), key="hist_curves", **CHART)
    depth = len(snap.plain.layers)
    width = snap.plain.unit_percentiles.shape[1]
    with right:
        unit = ui.number_input("Tracked unit", 1, width, 1, key="unit",
                               help="Which unit of the last hidden layer the percentile plot follows.")
        st.plotly_chart(percentile_plot(snaps, int(unit) - 1, names), key="hist_pct", **CHART)
    left, right = st.columns(2)
    with left:
        a, b = st.columns(2)
        with a:
            layer = ui.number_input("Layer of the time view", 1, depth, depth, key="layer")
        with b:
            view = ui.radio("Time view", ["heatmap", "ridgeline"], key="tv", horizontal=True)
        fig = (ridgeline if view == "ridgeline" else time_heatmap)(snaps, kind, int(layer) - 1, names)
        st.plotly_chart(fig, key="hist_time", **CHART)
    right.plotly_chart(grad_norms(snap, names), key="hist_grad", **CHART)


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
        try:
            pair = _pair(cfg, lr)
        except ValueError as exc:
            st.error(str(exc))
        else:
            _buttons(pair)
            playing = st.session_state[STATE]["playing"]
            if playing:
                _live_running()
            else:
                _live_paused()
    with lab:
        init_lab_tab()
    with sweep:
        batch_size_tab(cfg, lr)
