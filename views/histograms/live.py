"""The live pair: this session's two trainers, the Play/Pause/Step/Reset buttons and the view that redraws while
they train (a fragment, four times a second)."""

from __future__ import annotations

import threading
import time
from dataclasses import asdict

import streamlit as st

from core.paired_trainer import PairedTrainer
from views.histograms import controls
from views.histograms.config import PairConfig
from views.histograms.curves import curves
from views.histograms.exports import downloads
from views.histograms.layers import layer_chart
from views.histograms.saturation import saturation_section
from views.histograms.upload import OWN, own_split, refusal
from views.ui import frame

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
    downloads(row, pair, state["lock"], names(state["config"]))


def names(cfg: PairConfig) -> tuple[str, str]:
    """The two nets' titles: the plain one and the normalized one."""
    return "No normalization", controls.NORM_TITLES[cfg.norm]


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
    titles = names(state["config"])
    if pair.diverged_at is not None:
        who = " and ".join(pair.diverged_nets) + " net"
        st.warning(frame.diverged(f"The {who}", pair.diverged_at) + ": the loss is no longer a finite number. "
                   "Training paused; the last good statistics stay on screen. Lower the learning rate or Reset.")
    left, right = st.columns(2)
    view = controls.layer_view(left, right)
    right.markdown(f"**Step {snap.step}** · test accuracy {snap.plain.test_accuracy:.1%} (no norm) vs "
                   f"{snap.normed.test_accuracy:.1%} ({titles[1].lower()})")
    layer_chart(snap, snaps, view, titles)
    curves(snap, snaps, pair.diverged_at, titles, view.kind)
    saturation_section(snap, snaps, titles, state["config"].activation)


def live(cfg: PairConfig, lr: float) -> None:
    """The live tab: the upload prompt while there is no usable file, else the buttons and the live view."""
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
