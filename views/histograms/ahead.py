"""The next depth prepared ahead: after a Depth tick, a background job builds the pair one notch further in the
direction of the drag (its shared trainer and the histogram figure of its first frame), so the student dragging the
slider finds it built.

A new depth costs ~20-30 ms of torch (two nets built, their first record) before the tick's first chart can leave;
the browser bench ticks five notches one way, as a drag does. The trainer joins the shared registry like any other
(core.shared_trainer: bounded in bytes, dropped when idle) and trains nothing until a viewer presses Play.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import streamlit as st

from core import shared_trainer
from core.networks import DEPTH
from core.shared_trainer import TrainerKey
from views.histograms.config import LayerView, PairConfig
from views.histograms.shared import refusal
from views.ui import jobs
from views.ui.server import TURNS

_LAST = "_hist_last_depth"  # session_state: the depth of this session's previous run, for the drag's direction
ESTIMATE_S = 0.3  # what the job would show, were anyone to watch it (nobody does: it only fills caches)


def upcoming(depth: int) -> int | None:
    """The depth one notch further in this session's direction of travel (deeper at first); None past the range."""
    last = st.session_state.get(_LAST)
    st.session_state[_LAST] = depth
    nxt = depth - 1 if last is not None and depth < last else depth + 1
    return nxt if DEPTH[0] <= nxt <= DEPTH[1] else None


def prepare(cfg: PairConfig, lr: float, view: LayerView, names: tuple[str, str],
            build: Callable[[PairConfig, float], object], first_frame: Callable) -> None:
    """Build the pair at the next depth and its first frame's figure (``first_frame(trainer, view, names)``) in a
    background job, unless that pair is over the budget (its tick will say so itself)."""
    depth = upcoming(cfg.depth)
    if depth is None:
        return
    nxt = dataclasses.replace(cfg, depth=depth)
    try:
        if refusal(nxt):
            return
    except ValueError:
        return
    key = TrainerKey(repr(nxt), ((0, lr),))

    def work(progress: jobs.Progress) -> None:
        progress.update(0.0, "next depth")
        TURNS.idle(jobs.YIELD_S)  # the tick that asked for it first finishes sending its own charts
        trainer = shared_trainer.get(key, lambda: build(nxt, lr))
        first_frame(trainer, view, names)

    jobs.submit(f"histograms.ahead:{key!r}:{view!r}", work, estimate_s=ESTIMATE_S, label="Next depth")
