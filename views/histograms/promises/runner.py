"""Run one "BN's promises" experiment as a shared background job and keep its result in the session.

The pattern of views/histograms/batch_size.py, once for all four experiments: the promise ("about N s") before it
starts, a Run button, the job (views.ui.jobs: progress, Cancel, shared by every session asking for the same
settings) stopped at its promise with what it finished, the refusal above the budget, and the last result kept in
the session so a rerun draws it without training again.

An experiment module calls ``run(...)`` and draws whatever it returns; a gallery link calls ``start(name)`` before
the widgets exist, and the next ``run`` of that experiment starts the job as if Run had been pressed. With
``live=draw``, the job also publishes its state as it trains and the page redraws it every second until the
result is there (``draw(None)`` before the first state arrives: the experiment shows its untrained start).
Pass ``live``: a gallery link opens the experiment with its job just started, and tests/test_gallery.py wants a
chart in that very first run (the live one).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import streamlit as st

from views.histograms import batch_size_cost as cost
from views.ui import budget, jobs

Work = Callable[..., Any]  # work(tick, stop_at[, publish]) -> a result with .complete
LIVE_S = 1.0  # seconds between two redraws of a running experiment's live state
_LIVE: OrderedDict[str, Any] = OrderedDict()  # job key -> the latest state its job published (a few kept)
_LIVE_MAX = 16
_MEASURED: dict[str, Any] = {}
_LOCK = threading.Lock()


class _Stopped(Exception):
    """A run that reached its promised time: carries what it finished (never cached as the answer)."""

    def __init__(self, result: Any):
        super().__init__("stopped at the promised time")
        self.result = result


def _keys(name: str) -> tuple[str, str, str]:
    return f"promise_{name}_result", f"promise_{name}_pending", f"promise_{name}_start"


def start(name: str) -> None:
    """Ask the next ``run`` of experiment ``name`` to start its job (a gallery link does, instead of Run)."""
    st.session_state[_keys(name)[2]] = True


def promise_s(seconds: float) -> float:
    """The whole seconds promised for work the cost model puts at ``seconds`` on a free core (busy machine
    included)."""
    return cost.promise(seconds * cost.busy())


def fits(seconds: float) -> bool:
    """Whether work of ``seconds`` on a free core fits the job budget now (its promise does)."""
    return budget.fits(promise_s(seconds))


def timed(name: str, probe: Callable[[], float]) -> float:
    """Seconds per unit for ``name``: ``probe()`` does a little of the work and returns its units (steps, say).

    CPU time of this thread, best of two (the first call also warms up), once per process: the work's own cost
    on a free core, whatever else runs meanwhile (``promise_s`` adds how busy the machine is).
    """
    return budget.rate(name, probe, clock=time.thread_time, tries=2)


def once(name: str, measure: Callable[[], Any]) -> Any:
    """``measure()`` (a timing, say) once per process for ``name`` (the key of what it measured)."""
    with _LOCK:
        if name in _MEASURED:
            return _MEASURED[name]
    value = measure()
    with _LOCK:
        return _MEASURED.setdefault(name, value)


def run(name: str, cfg: Any, work: Work, *, seconds: float, label: str, what: str,
        nearest: Callable[[], str], live: Callable[[Any], None] | None = None) -> Any | None:
    """The Run button with its promise, the job while it runs, then this session's last result of ``name``.

    name: the experiment's short name (session keys, job key); cfg: its frozen config (the job is keyed by its
    repr); work(tick, stop_at): the computation, reporting ``tick(fraction, text)`` and stopping before
    ``time.monotonic()`` passes ``stop_at`` with a result whose ``complete`` is False; seconds: the cost model's
    estimate on a free core; label: the progress bar's name; what: the work in words for the promise and the
    refusal ("20 networks × 600 steps"); nearest(): the nearest setting that fits, named when refusing;
    live(state): draws a partial state while the job runs (then ``work`` gets a third argument, ``publish``).
    Returns the result (maybe of other settings: a caption then says so), or None before the first run.
    """
    result_key, pending_key, start_key = _keys(name)
    promised = promise_s(seconds)
    go = st.session_state.pop(start_key, False)
    fits = budget.fits(promised)
    if not fits:
        st.warning(budget.refuse(promised, f"This experiment ({what})", nearest()), icon=":material/timer_off:")
    # The button goes above the job but is drawn after it is followed: the run that brings the result must
    # already show it enabled again.
    slot = st.container()
    _follow(name, cfg, work, promised, label, live)
    running = st.session_state.get(pending_key) == cfg
    if fits and (_button(slot, name, what, promised, running) or go) and not running:
        st.session_state[pending_key] = cfg
        _follow(name, cfg, work, promised, label, live)
    result = st.session_state.get(result_key)
    if result is None:
        if st.session_state.get(pending_key) is None and budget.fits(promised):
            st.info("Press **Run experiment** to train every network.", icon=":material/info:")
        return None
    if getattr(result, "config", cfg) != cfg:
        st.caption("Showing the last run; the settings have changed since. Run again to update.")
    return result


def _button(slot, name: str, what: str, promised: float, running: bool) -> bool:
    row = slot.container(horizontal=True, vertical_alignment="center")
    pressed = row.button("Run experiment", icon=":material/science:", key=f"promise_{name}_run", disabled=running)
    row.caption(f"{what}: about {budget.seconds(promised)} on this server (timed here; the run never takes longer). "
                "Results are shared with everyone.")
    return pressed


def _publisher(key: str) -> Callable[[Any], None]:
    def publish(state: Any) -> None:
        with _LOCK:
            _LIVE[key] = state
            _LIVE.move_to_end(key)
            while len(_LIVE) > _LIVE_MAX:
                _LIVE.popitem(last=False)
    return publish


def _work(work: Work, promised: float, key: str, live: bool) -> Callable[[jobs.Progress], Any]:
    def job(progress: jobs.Progress) -> Any:
        stop_at = time.monotonic() + promised - cost.SLACK_S  # the promise counts from the start
        extra = (_publisher(key),) if live else ()
        result = work(progress.update, stop_at, *extra)
        if not result.complete:
            raise _Stopped(result)
        return result
    return job


def _follow(name: str, cfg: Any, work: Work, promised: float, label: str, live) -> None:
    """Watch this session's job: progress and Cancel while it runs, its result into the session when done."""
    result_key, pending_key, _ = _keys(name)
    pending = st.session_state.get(pending_key)
    if pending is None:
        return
    if pending != cfg:  # the settings changed: nobody polls the old job any more, so it stops by itself
        del st.session_state[pending_key]
        return
    key = f"promise-{name} {cfg!r}"
    job = jobs.submit(key, _work(work, promised, key, live is not None), estimate_s=promised, label=label)
    try:
        result = jobs.show(job)
        if result is None and live is not None and not job.done.is_set():
            _live(key, live)
    except _Stopped as stopped:
        result = stopped.result
    except ValueError as exc:  # a setting the core refused: the sentence says what to change
        st.error(str(exc))
        del st.session_state[pending_key]
        return
    if result is not None or job.done.is_set():
        with _LOCK:
            _LIVE.pop(key, None)
    if result is not None:
        st.session_state[result_key] = result
        del st.session_state[pending_key]


@st.fragment(run_every=LIVE_S)
def _live(key: str, draw: Callable[[Any], None]) -> None:
    """The running job's latest published state, redrawn every ``LIVE_S`` (the page reruns when it is done)."""
    with _LOCK:
        state = _LIVE.get(key)
    draw(state)
