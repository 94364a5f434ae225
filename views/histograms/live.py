"""The live pair: a trainer shared by every session with the same settings (core.shared_trainer), this session's
position in its recorded frames, Play/Pause/Step/Reset, and the view that plays the frames four times a second.

The page run never trains: the shared trainer's worker trains a few frames ahead of the viewers, and a tick of the
view only moves this session's position to the next frame and draws it (figures shared by every viewer).
"""

from __future__ import annotations

from dataclasses import asdict

import streamlit as st

from core import shared_trainer
from core.paired_trainer import PairedTrainer
from core.shared_trainer import SharedTrainer, TrainerKey
from views.histograms import controls
from views.histograms.config import LayerView, PairConfig
from views.histograms.curves import curves
from views.histograms.exports import downloads
from views.histograms.layers import status, view_controls
from views.histograms.saturation import saturation_section
from views.histograms.shared import pair_cost, refusal
from views.histograms.upload import OWN, own_split
from views.histograms.upload import refusal as upload_refusal
from views.ui import budget, charts, frame

# session_state[STATE] = {"config", "trainer", "step" (the recorded step shown), "playing"}: this session's seat.
STATE = "hist_live"
TICK_S = 0.25  # a new frame four times a second while playing
SLOW_S = 3.0  # the curves below the histograms redraw every three seconds while playing
AHEAD = 8  # frames trained ahead of the viewer: two seconds of play, so a frame is there when the tick comes
# Every chart of the live view is drawn in place (views.ui.charts.live) with Streamlit's plotly.js, which only an
# st.plotly_chart loads: charts.plotly_js's blank strip, which never changes, loads it.

def _build(cfg: PairConfig, lr: float) -> PairedTrainer:
    """The pair of ``cfg`` at ``lr``, recording at the stride and evaluating at the cadence its cost allows."""
    kw = asdict(cfg)
    digest = kw.pop("upload")
    cost = pair_cost(cfg)
    return PairedTrainer(**kw, lr=lr, split=own_split(digest) if cfg.dataset == OWN else None,
                         record_every=cost.stride, accuracy_every=cost.accuracy_every)


def _seat(cfg: PairConfig, lr: float) -> dict:
    """This session's seat: a shared trainer for these settings (joined at step 0), or a fork when lr changed."""
    state = st.session_state.get(STATE)
    if state is None or state["config"] != cfg:
        trainer = shared_trainer.get(TrainerKey(repr(cfg), ((0, lr),)), lambda: _build(cfg, lr))
        state = st.session_state[STATE] = {"config": cfg, "trainer": trainer, "step": 0, "playing": False}
    elif state["trainer"].key.lrs[-1][1] != lr:
        trainer = state["trainer"]
        if trainer.pair.step_count == 0 or state["step"] == 0:  # nothing watched yet: a fresh pair at this lr
            state["trainer"] = shared_trainer.get(TrainerKey(repr(cfg), ((0, lr),)), lambda: _build(cfg, lr))
        else:  # training goes on from where the trainer is, at the new lr
            state["trainer"] = shared_trainer.adopt(trainer.fork(lr))
    return state


def names(cfg: PairConfig) -> tuple[str, str]:
    """The two nets' titles: the plain one and the normalized one."""
    return "No normalization", controls.NORM_TITLES[cfg.norm]


def _buttons(state: dict):
    """Play/Pause, Step, Reset and the downloads in one row (returned: presentation mode adds the view to it)."""
    trainer: SharedTrainer = state["trainer"]
    row = st.container(horizontal=True)
    if state["playing"]:
        if row.button("Pause", icon=":material/pause:"):
            state["playing"] = False
            st.rerun()
    elif row.button("Play", icon=":material/play_arrow:", type="primary", disabled=_at_end(state)):
        state["playing"] = True
        st.rerun()
    if row.button("Step", icon=":material/skip_next:", help="Train one more recorded interval."):
        nxt = trainer.wait_for(state["step"] + 1, timeout=budget.RUN_S)
        if nxt is not None:
            state["step"] = nxt.step
    if row.button("Reset", icon=":material/restart_alt:"):
        cfg, lr = state["config"], trainer.key.lrs[-1][1]
        state["trainer"] = shared_trainer.get(TrainerKey(repr(cfg), ((0, lr),)), lambda: _build(cfg, lr))
        state.update(step=0, playing=False)
        st.rerun()
    downloads(row, trainer.pair, trainer.lock, names(state["config"]))
    return row


def _at_end(state: dict) -> bool:
    trainer = state["trainer"]
    return trainer.done and trainer.next_after(state["step"]) is None


def _advance(state: dict) -> None:
    """One tick of play: the next recorded frame if the trainer has it; ask for frames ahead either way."""
    trainer: SharedTrainer = state["trainer"]
    nxt = trainer.next_after(state["step"])
    if nxt is not None:
        state["step"] = nxt.step
    trainer.want(state["step"] + AHEAD * trainer.stride)
    if nxt is None and _at_end(state):
        state["playing"] = False
        st.rerun(scope="app")


def _frame(view: LayerView, tick: bool) -> None:
    state = st.session_state.get(STATE)
    if state is None:
        return
    if tick and state["playing"]:
        _advance(state)
    if _at_end(state):
        _diverged(state["trainer"])
    status(state["trainer"], state["step"], names(state["config"]), view)


@st.fragment(run_every=TICK_S)
def _frame_playing(view: LayerView) -> None:
    _frame(view, tick=True)


@st.fragment
def _frame_paused(view: LayerView) -> None:
    _frame(view, tick=False)


def _curves() -> None:
    state = st.session_state.get(STATE)
    if state is not None:
        curves(state["trainer"], state["step"], names(state["config"]))


_curves_playing = st.fragment(_curves, run_every=SLOW_S)
_curves_paused = st.fragment(_curves)


def _diverged(trainer: SharedTrainer) -> None:
    pair = trainer.pair
    if trainer.error is not None:
        st.error(f"Training stopped: {trainer.error}")
    elif pair.diverged_at is not None:
        who = " and ".join(pair.diverged_nets) + " net"
        st.warning(frame.diverged(f"The {who}", pair.diverged_at) + ": the loss is no longer a finite number. "
                   "Training paused; the last good statistics stay on screen. Lower the learning rate or Reset.")


def live(cfg: PairConfig, lr: float, pane) -> None:
    """The live tab ``pane`` (drawn in it): the upload prompt while there is no usable file, a refusal above the
    budget, else the buttons and the live view."""
    if cfg.dataset == OWN and not cfg.upload:
        if upload_refusal():
            st.error(f"This file cannot be used: {upload_refusal()}", icon=":material/block:")
        st.info("Upload a CSV in the sidebar (under **Dataset**) to train both nets on your own data.",
                icon=":material/upload_file:")
        return
    try:
        too_much = refusal(cfg)
        if too_much:
            st.error(too_much, icon=":material/hourglass_disabled:")
            return
        state = _seat(cfg, lr)
    except ValueError as exc:
        st.error(str(exc))
        return
    row = _buttons(state)
    # The view's radios stay outside the ticking fragment: a tick then sends the step line and one chart only. On a
    # projector they fold into a popover in the buttons' row, so Play and the chart share the screen.
    view = view_controls(row.popover("View", icon=":material/tune:") if frame.presenting() else None)
    (_frame_playing if state["playing"] else _frame_paused)(view)
    (_curves_playing if state["playing"] else _curves_paused)()
    # Drawn by the page run, not the ticking fragments: its table would be remounted (blank) on every redraw.
    # While playing it shows the step where Play was pressed; Pause brings it up to date.
    snaps = state["trainer"].frames(state["step"])
    if state["playing"]:
        st.caption(f"Saturation below: at step {snaps[-1].step}, when Play was pressed; Pause updates it.")
    saturation_section(snaps[-1], snaps, names(cfg), cfg.activation, state["trainer"].key, pane)
    charts.plotly_js("hist_plotly_js")
