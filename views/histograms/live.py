"""The live pair: a trainer shared by every session with the same settings (core.shared_trainer), this session's
position in its recorded frames, Play/Pause/Step/Reset, and the view whose frames the browser plays five a second.

The page run never trains: the shared trainer's worker trains a few frames ahead of the viewers, and a tick of the
view only moves this session's position by the next few frames and sends them (figures shared by every viewer),
which the browser plays at its own pace until the next tick (Pause stops on the frame the browser shows: this
session's ``ReelClock`` follows the browser's player). The page run lays the tab out (``places``); the Depth
fragment (views.histograms.depth) fills it (``live``), so a Depth tick re-sends the view and the buttons, not the
page; Play, Pause, Step and Reset rerun only that fragment too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import streamlit as st

from core.shared_trainer import SharedTrainer
from views.histograms import ahead
from views.histograms.config import LayerView, PairConfig
from views.histograms.curves import curves
from views.histograms.layers import prefetch, reel_frame, status, view_controls
from views.histograms.saturation import saturation_section
from views.histograms.seat import FRAME_MS, PACES, PER_TICK, STATE, at_end, build, buttons, names, seat
from views.histograms.shared import refusal
from views.histograms.upload import OWN
from views.histograms.upload import refusal as upload_refusal
from views.ui import charts, frame

SLOW_S = 4.0  # the curves below the histograms redraw every four seconds while playing
CURVE_FRAMES = round(SLOW_S * 1000 / FRAME_MS)  # and show the last frame of a whole redraw period (curves_step)
AHEAD = 2 * PER_TICK  # frames trained ahead of the viewer: two ticks, so the next frames are there when a tick comes
# Every chart of the live view is drawn in place (views.ui.charts.live) with Streamlit's plotly.js, which only an
# st.plotly_chart loads: charts.plotly_js's blank strip, which never changes, loads it.

def _advance(state: dict) -> list[int]:
    """One tick of play: the next recorded frames the trainer has (up to a tick's worth), this session's position
    moved to the last; ask for frames ahead either way."""
    trainer: SharedTrainer = state["trainer"]
    steps = []
    while len(steps) < state["pace"] and (nxt := trainer.next_after(state["step"])) is not None:
        state["step"] = nxt.step
        steps.append(nxt.step)
    trainer.want(state["step"] + AHEAD * trainer.stride)
    if not steps and at_end(state):
        state["playing"] = False
        st.rerun(scope="app")
    return steps


def _frame(view: LayerView, tick: bool, near: charts.Ahead | None = None) -> None:
    state = st.session_state.get(STATE)
    if state is None:
        return
    steps = _advance(state) if tick and state["playing"] else []
    if at_end(state):
        _diverged(state["trainer"])
    # While playing the browser plays the new frames (or keeps the one on screen, sent again for a new mount).
    sent = steps or [state["step"]]
    reel = status(state["trainer"], sent, names(state["config"]), view, FRAME_MS if state["playing"] else 0,
                  None if state["playing"] else near)
    state["clock"].push(reel, sent, FRAME_MS / 1000 if state["playing"] else 0, time.monotonic())
    if state["playing"]:
        prefetch(state["trainer"], state["step"], view, names(state["config"]), state["pace"])
    else:  # a tick's frames trained ahead (shared): Play's first tick sends them at once instead of TICK_S later
        state["trainer"].want(state["step"] + state["pace"] * state["trainer"].stride)


def _frame_tick(view: LayerView) -> None:
    _frame(view, tick=True)


_frame_playing = {n: st.fragment(_frame_tick, run_every=n * FRAME_MS / 1000) for n in PACES}  # frames a tick -> it

@st.fragment
def _frame_paused(view: LayerView, near: charts.Ahead | None) -> None:
    _frame(view, tick=False, near=near)


def curves_step(step: int, stride: int, playing: bool) -> int:
    """The step the curves show: this session's own when paused; while playing, the last multiple of a redraw's worth
    of frames (SLOW_S of play), so a class watching one trainer shares one set of curve figures per redraw period
    instead of one per tick phase (the curves were a quarter of a lecture's server time)."""
    if not playing:
        return step
    quantum = CURVE_FRAMES * stride
    return step - step % quantum


def _curves() -> None:
    state = st.session_state.get(STATE)
    if state is not None:
        trainer = state["trainer"]
        curves(trainer, curves_step(state["step"], trainer.stride, state["playing"]), names(state["config"]))


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


def upload_prompt(dataset: str, upload: str) -> bool:
    """The upload prompt (and why a file was refused) while own data is chosen without a usable file; whether it
    was drawn (the live view then waits for the file)."""
    if dataset != OWN or upload:
        return False
    if upload_refusal():
        st.error(f"This file cannot be used: {upload_refusal()}", icon=":material/block:")
    st.info("Upload a CSV in the sidebar (under **Dataset**) to train both nets on your own data.",
            icon=":material/upload_file:")
    return True


@dataclass(frozen=True)
class Places:
    """The live tab as the page run laid it out: the buttons' row, the view radios under it, then the view."""

    top: Any  # the buttons' row (or a refusal)
    view: LayerView | None  # the page run's radios; None in presentation mode: they fold into the buttons' row
    body: Any  # the histograms, the curves and the saturation section


def places() -> Places:
    """The live tab's layout (page run): a place for the buttons, the view radios (a Depth tick does not change
    them, so it does not re-send them), a place for the view, and the blank strip that loads plotly.js."""
    top = st.container()
    view = None if frame.presenting() else view_controls()
    body = st.container()
    charts.plotly_js("hist_plotly_js")
    return Places(top, view, body)


def live(cfg: PairConfig, lr: float, where: Places) -> None:
    """The live view of ``cfg`` at ``lr`` in the tab laid out as ``where`` (drawn by the Depth fragment): a refusal
    above the budget, else the histograms, the buttons above them, the curves and the saturation section."""
    # One container holds the view, made on every run (a refused one included): a fragment's writes into a place the
    # page made stay in it only if it wrote there in the last full run, and only when they are wrapped in its first
    # write there (the ticking fragments' own containers were otherwise left behind on a tick).
    body = where.body.container()
    try:
        too_much = refusal(cfg)
        if too_much:
            where.top.error(too_much, icon=":material/hourglass_disabled:")
            return
        state = seat(cfg, lr)
    except ValueError as exc:
        where.top.error(str(exc))
        return
    view = where.view
    if view is None:  # on a projector the radios fold into a popover in the buttons' row: Play and chart share it
        view = view_controls(buttons(state, where.top).popover("View", icon=":material/tune:"))
    with body:
        # The view's radios stay outside the ticking fragment: a tick then sends the step line and one chart only.
        if state["playing"]:
            _frame_playing[state["pace"]](view)
        else:  # a student at the Depth slider: the chart holds the depths next to this one, drawn on the tick
            _frame_paused(view, ahead.figures(cfg, lr, view, names(cfg), build,
                                              lambda t, v, n: reel_frame(t, 0, v, n)))
    if where.view is not None:  # drawn above the chart, sent after it: the chart is what a Depth tick waits for
        buttons(state, where.top)
    with body:
        (_curves_playing if state["playing"] else _curves_paused)()
        # Drawn by this run (a full run or a Depth tick), not the ticking fragments: its table would be remounted
        # (blank) on every redraw. While playing it shows the step where Play was pressed; Pause updates it.
        snaps = state["trainer"].frames(state["step"])
        if state["playing"]:
            st.caption(f"Saturation below: at step {snaps[-1].step}, when Play was pressed; Pause updates it.")
        saturation_section(snaps[-1], snaps, names(cfg), cfg.activation, state["trainer"].key, body)
