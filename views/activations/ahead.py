"""The explorer's next value of the mean, prepared ahead: after a tick, a background job (yielding to page runs)
computes what the next notch in the same direction shows, so a student dragging the slider finds it cached.

A fresh mean costs ~0.1 s of computing (f and f' against the density, 20 000 samples pushed through, 4000 random
paths through depth), most of a tick's server time; the browser bench ticks five notches one way, as a drag does.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from views.activations import data
from views.activations.config import ActConfig, DepthConfig, notch
from views.ui import cache, jobs

STEP, LOW, HIGH = 0.1, -5.0, 5.0  # the mean slider's step and range (views/activations/controls.py)
_LAST = "_act_last_mu"  # session_state: the mean of this session's previous run, for the direction of the drag
ESTIMATE_S = 0.3  # what the job shows, were anyone to watch it (nobody does: it only fills caches)


def upcoming(cfg: ActConfig) -> ActConfig | None:
    """The config one notch further in this session's direction of travel (up at first); None at the range's end."""
    last = st.session_state.get(_LAST)
    st.session_state[_LAST] = cfg.mu
    step = -STEP if last is not None and cfg.mu < last else STEP
    mu = notch(cfg.mu + step)
    return dataclasses.replace(cfg, mu=mu) if LOW <= mu <= HIGH else None


def ahead(cfg: ActConfig, depth: int) -> None:
    """Prepare the next notch of the mean (its explorer, push and depth charts and numbers) in a background job."""
    nxt = upcoming(cfg)
    if nxt is None:
        return
    chain = DepthConfig(nxt, depth)
    if cache.has(data.explorer_figure, nxt) and cache.has(data.push_figure, nxt) and cache.has(data.depth_figure,
                                                                                              chain):
        return

    def work(progress: jobs.Progress) -> None:
        # One piece at a time, yielding to page runs between them (never inside one: a tick asking for this very
        # value waits for it in the cache, and a job pausing then would hold it up).
        pieces = (lambda: data.explorer_figure(nxt), lambda: data.mean_slope(nxt), lambda: data.push_figure(nxt),
                  lambda: data.depth_figure(chain))
        for i, piece in enumerate(pieces):
            progress.update(i / len(pieces), "next mean")
            try:
                piece()
            except ValueError:  # a value the core refuses: the tick to it will say so itself
                return

    jobs.submit(f"activations.ahead:{chain!r}", work, estimate_s=ESTIMATE_S, label="Next mean")
