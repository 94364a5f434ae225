"""A session's seat at the live view: the trainer it watches (shared by every session with the same settings, or
a fork of its own after an lr change), its position in the recorded frames, and the Play/Pause/Step/Reset row.

session_state[STATE] = {"config", "trainer", "step" (the last recorded step sent), "playing", "clock" (what the
browser's player shows when, views.ui.reel_clock), "pace" (frames a tick, see PACES)}.
"""

from __future__ import annotations

import random
import time
from dataclasses import asdict

import streamlit as st

from core import shared_trainer
from core.paired_trainer import PairedTrainer
from core.shared_trainer import SharedTrainer, TrainerKey
from views.histograms import controls
from views.histograms.config import PairConfig
from views.histograms.exports import downloads
from views.histograms.shared import pair_cost
from views.histograms.upload import OWN, own_split
from views.ui import budget
from views.ui.reel_clock import ReelClock

STATE = "hist_live"
FRAME_MS = 200  # the browser shows a new frame five times a second while playing
# A tick every two seconds brings the next ten: what a rerun costs is mostly Streamlit's own (~20 ms of interpreter time
# here, whatever it sends), so ticks are what a class costs the server: 60 tabs on two replicas of this 2-core machine
# waited up to 2 s for their frames with a tick a second (1.2-1.8 s p95), a rerun per frame would be ten times as many.
TICK_S = 2.0
PER_TICK = round(TICK_S * 1000 / FRAME_MS)
# Each session ticks at its own pace, a frame's time either side of TICK_S, bringing that many frames: a class that
# pressed Play together otherwise ticked together for good, thirty ticks queued at once every two seconds.
PACES = tuple(PER_TICK + k for k in (-1, 0, 1))


def build(cfg: PairConfig, lr: float) -> PairedTrainer:
    """The pair of ``cfg`` at ``lr``, recording at the stride and evaluating at the cadence its cost allows."""
    kw = asdict(cfg)
    digest = kw.pop("upload")
    cost = pair_cost(cfg)
    return PairedTrainer(**kw, lr=lr, split=own_split(digest) if cfg.dataset == OWN else None,
                         record_every=cost.stride, accuracy_every=cost.accuracy_every)


def _shared(cfg: PairConfig, lr: float) -> SharedTrainer:
    """The trainer every session with ``cfg`` at ``lr`` from step 0 watches."""
    return shared_trainer.get(TrainerKey(repr(cfg), ((0, lr),)), lambda: build(cfg, lr))


def seat(cfg: PairConfig, lr: float) -> dict:
    """This session's seat: a shared trainer for these settings (joined at step 0), or a fork when lr changed."""
    state = st.session_state.get(STATE)
    if state is None or state["config"] != cfg:
        state = st.session_state[STATE] = {"config": cfg, "trainer": _shared(cfg, lr), "step": 0, "playing": False,
                                           "clock": ReelClock(),
                                           "pace": state["pace"] if state else random.choice(PACES)}
    elif state["trainer"].key.lrs[-1][1] != lr:
        trainer = state["trainer"]
        if trainer.pair.step_count == 0 or state["step"] == 0:  # nothing watched yet: a fresh pair at this lr
            state["trainer"] = _shared(cfg, lr)
        else:  # training goes on from where the trainer is, at the new lr
            state["trainer"] = shared_trainer.adopt(trainer.fork(lr))
    return state


def names(cfg: PairConfig) -> tuple[str, str]:
    """The two nets' titles: the plain one and the normalized one."""
    return "No normalization", controls.NORM_TITLES[cfg.norm]


def buttons(state: dict, where):
    """Play/Pause, Step, Reset and the downloads in one row in ``where`` (returned: presentation mode adds the view
    to it)."""
    trainer: SharedTrainer = state["trainer"]
    row = where.container(horizontal=True)
    # Callbacks: the state changes before the rerun the click starts, which is the Depth fragment's alone (it draws
    # the whole live view, this row included). A click that changed it in the run and called st.rerun() cost two runs
    # of the whole page: a class pressing Play at once waited up to 8 s for its first frame (60 tabs, 2 replicas).
    if state["playing"]:
        row.button("Pause", icon=":material/pause:", on_click=_play, args=(False,))
    else:
        row.button("Play", icon=":material/play_arrow:", type="primary", disabled=at_end(state), on_click=_play,
                   args=(True,))
    row.button("Step", icon=":material/skip_next:", help="Train one more recorded interval.", on_click=_step)
    row.button("Reset", icon=":material/restart_alt:", on_click=_reset)
    downloads(row, trainer.pair, trainer.lock, names(state["config"]))
    return row


def _play(on: bool) -> None:
    """Play's or Pause's click. Pause stops on the frame the browser shows (the frames sent after it are played
    again on the next Play), not on the last frame sent, up to a tick's worth further on."""
    state = st.session_state.get(STATE)
    if state is not None:
        state["playing"] = on
        shown = state["clock"].on_screen(time.monotonic())
        if not on and shown is not None and shown <= state["step"]:
            state["step"] = shown


def _step() -> None:
    """Step's click: this session's position moves to the next recorded frame (trained now if need be)."""
    state = st.session_state.get(STATE)
    if state is not None:
        nxt = state["trainer"].wait_for(state["step"] + 1, timeout=budget.RUN_S)
        if nxt is not None:
            state["step"] = nxt.step


def _reset() -> None:
    """Reset's click: back to step 0 of the shared trainer for these settings at the current lr, paused."""
    state = st.session_state.get(STATE)
    if state is not None:
        cfg, lr = state["config"], state["trainer"].key.lrs[-1][1]
        state["trainer"] = _shared(cfg, lr)
        state.update(step=0, playing=False)


def at_end(state: dict) -> bool:
    """No frame will ever follow this session's position."""
    trainer = state["trainer"]
    return trainer.done and trainer.next_after(state["step"]) is None
