"""The smoothness and noisy-BN tabs' background run: a promise, Run, progress with Cancel, a stop at the promise.

Both experiments train twins for a few seconds, too long for a page run (views/ui/budget.py), so each runs as a
job (views/ui/jobs.py) keyed by its frozen config: every student asking for the same settings shares one run and
its result. The promise comes from a cost model in forward+backward passes (``passes(cfg)`` of the core module)
times the seconds per pass this process measured once on a short run of the same nets, scaled by how busy the
machine is now (views/histograms/batch_size_cost.py's ``busy`` and ``promise``); the job stops at its promise
with the steps it finished, so it never takes longer than the page said.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import streamlit as st

from views.histograms.batch_size_cost import busy, promise
from views.ui import budget, jobs

SLACK_S = 0.3  # the job stops this long before its promise: the last steps and the result's assembly fit in it
STEP_GRID = 50  # the Steps sliders move by 50


@dataclass(frozen=True)
class Experiment:
    """One tab's experiment: how to run it, what it costs, how the page names it."""

    key: str  # "sm" or "nz": prefix of its session keys and job keys
    label: str  # "Smoothness measurements"
    run: Callable[..., Any]  # run(cfg, tick=..., stop_at=...) -> a result with ``config`` and ``complete``
    passes: Callable[[Any], float]  # cost model: forward+backward passes of cfg
    what: Callable[[Any], str]  # "2 networks × 300 steps, 30 probes" (for the promise and a refusal)

    @property
    def result_key(self) -> str:
        return f"whybn_{self.key}_result"  # session_state: the last result this session got

    @property
    def pending_key(self) -> str:
        return f"whybn_{self.key}_pending"  # session_state: the config whose job this session waits for


class _Stopped(Exception):
    """A run that reached its promised time: carries what it finished (never cached as the answer)."""

    def __init__(self, result: Any):
        super().__init__("stopped at the promised time")
        self.result = result


def seconds_per_pass(exp: Experiment, cfg) -> float:
    """Seconds per pass of cfg's nets on this machine, from a 20-step run timed once per process (best of 3)."""
    tiny = replace(cfg, steps=20, record_every=10)
    net = cfg.net
    name = f"whybn {exp.key} {net.depth}x{net.width} {net.activation} b{net.batch_size} {net.optimizer}"
    return budget.rate(name, lambda: (exp.run(tiny), exp.passes(tiny))[1])


def estimate(exp: Experiment, cfg) -> float:
    """The whole seconds the page promises for ``cfg`` now."""
    return promise(exp.passes(cfg) * seconds_per_pass(exp, cfg) * busy())


def nearest(exp: Experiment, cfg) -> str:
    """The nearest setting whose promise fits the job budget, as words: fewer steps (a multiple of STEP_GRID),
    else the fewest steps with the sparsest records."""
    for steps in range(cfg.steps - cfg.steps % STEP_GRID, 0, -STEP_GRID):
        if steps < cfg.steps and budget.fits(estimate(exp, replace(cfg, steps=steps,
                                                                   record_every=min(cfg.record_every, steps)))):
            return f"**Steps** {steps}"
    if budget.fits(estimate(exp, replace(cfg, steps=STEP_GRID, record_every=STEP_GRID))):
        return f"**Steps** {STEP_GRID} with a record every {STEP_GRID} steps"
    return "no shorter run of this tab"


def run(exp: Experiment, cfg) -> Any:
    """Promise, Run button, progress with Cancel; returns this session's last result (or None)."""
    try:
        promise_s = estimate(exp, cfg)
    except ValueError as exc:  # a setting the experiment cannot take: one sentence
        st.error(str(exc))
        return st.session_state.get(exp.result_key)
    # The button goes into a slot above the progress, drawn after the job is followed: drawn first, it kept the
    # disabled look of a job that had just delivered its result until the next click.
    slot = st.container()
    _follow(exp, cfg, promise_s)
    with slot:
        if not budget.fits(promise_s):
            st.warning(budget.refuse(promise_s, f"This run ({exp.what(cfg)})", nearest(exp, cfg)),
                       icon=":material/timer_off:")
        else:
            row = st.container(horizontal=True, vertical_alignment="center")
            if row.button("Run", icon=":material/science:", key=f"{exp.key}_run",
                          disabled=st.session_state.get(exp.pending_key) == cfg):
                st.session_state[exp.pending_key] = cfg
                st.rerun()  # the job starts in the next run, where _follow sees it pending
            row.caption(f"{exp.what(cfg)}: about {budget.seconds(promise_s)} on this server (timed here; the run "
                        "never takes longer). Results are shared with everyone.")
    result = st.session_state.get(exp.result_key)
    if result is None and st.session_state.get(exp.pending_key) is None:
        st.info("Press **Run** to train the networks and measure them.", icon=":material/info:")
    elif result is not None and result.config != cfg:
        st.caption("Showing the last run; the settings have changed since. Run again to update.")
    return result


def _work(exp: Experiment, cfg, promise_s: float):
    def work(progress: jobs.Progress):
        result = exp.run(cfg, tick=progress.update, stop_at=time.monotonic() + promise_s - SLACK_S)
        if not result.complete:
            raise _Stopped(result)
        return result
    return work


def _follow(exp: Experiment, cfg, promise_s: float) -> None:
    """Watch this session's job: progress and Cancel while it runs, its result into the session when done."""
    pending = st.session_state.get(exp.pending_key)
    if pending is None:
        return
    if pending != cfg:  # the settings changed: nobody polls the old job any more, so it stops by itself
        del st.session_state[exp.pending_key]
        return
    job = jobs.submit(f"whybn-{exp.key} {cfg!r}", _work(exp, cfg, promise_s), estimate_s=promise_s, label=exp.label)
    try:
        result = jobs.show(job)
    except _Stopped as stopped:
        result = stopped.result  # the view says it stopped early (``result.complete`` is False)
    except ValueError as exc:
        st.error(str(exc))
        del st.session_state[exp.pending_key]
        return
    if result is not None:
        st.session_state[exp.result_key] = result
        del st.session_state[exp.pending_key]
