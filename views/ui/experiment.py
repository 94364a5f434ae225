"""An experiment a Run button starts: its promise, the refusal above the budget, the run, and the last result.

A page calls ``run(exp, cfg, work, seconds=..., what=..., nearest=...)`` and draws whatever it returns: the result
(maybe of older settings: a caption then says so), or None before the first. ``cfg`` is the frozen settings (they
key the job); ``work(cfg, tick=, stop_at=)`` the computation (a core function) reporting ``tick(fraction, text)``
and returning a result whose ``complete`` is False once ``time.monotonic()`` passed ``stop_at``; ``seconds`` the
cost model's estimate on this server now; ``what`` the work in words ("20 networks × 600 steps"); ``nearest()``
the nearest setting that fits.

Before a run the page promises how long it takes ("about N s": the estimate with a margin, ``promise``); work whose
promise exceeds the job budget is refused in one sentence naming ``nearest()`` (views/ui/budget.py). Run computes
inline when the estimate fits a page run, else as a background job (views/ui/jobs.py: progress, Cancel) keyed by
the config; either way every session asking for the same settings shares the result, the work stops at its promise
with what it finished, and the session keeps the last result so a rerun draws it without training again.
``start(exp)`` (a gallery link) runs it as if Run had been pressed; with ``live=draw(state)`` the work also gets
``publish=`` and the page redraws the latest published state every second while the job runs.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import streamlit as st

from views.ui import budget, cache, jobs

Work = Callable[..., Any]  # work(cfg, tick=, stop_at=[, publish=]) -> a result, ``complete`` False if it stopped
MARGIN = 1.5  # promise / estimate: a moment of load does not break the promise (the work stops at it anyway)
SLACK_S = 0.5  # the work stops this long before its promise: its last steps and evaluation fit in it
LIVE_S = 1.0  # seconds between two redraws of a running job's published state
_LIVE: OrderedDict[str, Any] = OrderedDict()  # job key -> the latest state its job published (a few kept)
_LIVE_MAX = 16
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Experiment:
    """An experiment's names: its session keys, its job keys, its progress label, its button and the hint."""

    key: str  # prefix of its session keys and of its button's widget key: "hist_bs" -> "hist_bs_result"
    job: str  # prefix of its job keys: settings ``cfg`` run as the job f"{job} {cfg!r}"
    label: str  # the progress bar's name: "Batch-size experiment"
    button: str = "Run experiment"
    hint: str = "train every network"  # before the first run: "Press **Run experiment** to train every network."

    @property
    def result_key(self) -> str:
        return f"{self.key}_result"  # session_state: the last result this session got

    @property
    def pending_key(self) -> str:
        return f"{self.key}_pending"  # session_state: the config whose run this session waits for


class Stopped(Exception):
    """A run that reached its promised time: carries what it finished (never cached as the answer)."""

    def __init__(self, result: Any):
        super().__init__("stopped at the promised time")
        self.result = result


def busy() -> float:
    """How many times longer CPU-bound work takes now than on a free core, from the load average per core."""
    # The square root of (load + the job) per core: the load counts threads that mostly wait, and on this 2-core
    # machine sweeps at load 5 to 10 ran 1.4 to 2.1 times their CPU time, not 3 to 5 times.
    try:
        cores = len(os.sched_getaffinity(0))
        return max(1.0, math.sqrt((os.getloadavg()[0] + 1.0) / cores))
    except (AttributeError, OSError):  # no load average on this platform: assume a free core
        return 1.0


def promise(seconds: float) -> float:
    """The whole seconds a page promises for work estimated at ``seconds`` on this server now."""
    return float(math.ceil(seconds * MARGIN + 1.0))


def start(exp: Experiment) -> None:
    """Ask the next ``run`` of ``exp`` to start as if Run had been pressed (a gallery link does)."""
    st.session_state[f"{exp.key}_start"] = True


def run(exp: Experiment, cfg: Any, work: Work, *, seconds: float, what: str, nearest: Callable[[], str],
        live: Callable[[Any], None] | None = None) -> Any | None:
    """The promise and Run (or the refusal), the run while it goes, then this session's last result or None."""
    promised = promise(seconds)
    fits = budget.fits(promised)
    if st.session_state.pop(f"{exp.key}_start", False) and fits:
        st.session_state[exp.pending_key] = cfg
    # The button goes into a slot above the progress but is drawn after the run is followed: drawn first, it kept
    # the disabled look of a job that had just delivered its result until the next click.
    slot = st.container()
    _follow(exp, cfg, work, seconds, promised, live)
    with slot:
        if not fits:
            st.warning(budget.refuse(promised, f"This experiment ({what})", nearest()), icon=":material/timer_off:")
        elif _button(exp, what, promised, running=st.session_state.get(exp.pending_key) == cfg):
            st.session_state[exp.pending_key] = cfg
            st.rerun()  # the run starts in the next page run, where _follow sees it pending
    result = st.session_state.get(exp.result_key)
    if result is None:
        if fits and st.session_state.get(exp.pending_key) is None:
            st.info(f"Press **{exp.button}** to {exp.hint}.", icon=":material/info:")
        return None
    if getattr(result, "config", cfg) != cfg:
        st.caption("Showing the last run; the settings have changed since. Run again to update.")
    return result


def _button(exp: Experiment, what: str, promised: float, running: bool) -> bool:
    row = st.container(horizontal=True, vertical_alignment="center")
    pressed = row.button(exp.button, icon=":material/science:", key=f"{exp.key}_run", disabled=running)
    row.caption(f"{what}: about {budget.seconds(promised)} on this server (timed here; the run never takes longer). "
                "Results are shared with everyone.")
    return pressed


def job(work: Work, cfg: Any, promised: float,
        publish: Callable[[Any], None] | None = None) -> Callable[[jobs.Progress], Any]:
    """``work(cfg)`` as a job's function: it stops at the promise, counted from its start; Stopped if it did."""
    extra = {} if publish is None else {"publish": publish}

    def fn(progress) -> Any:
        stop_at = time.monotonic() + promised - SLACK_S
        result = work(cfg, tick=progress.update, stop_at=stop_at, **extra)
        if not result.complete:
            raise Stopped(result)
        return result
    return fn


def _follow(exp: Experiment, cfg: Any, work: Work, seconds: float, promised: float, live) -> None:
    """Run this session's pending settings: inline, or watch their job; the result into the session when done."""
    pending = st.session_state.get(exp.pending_key)
    if pending is None:
        return
    if pending != cfg:  # the settings changed: nobody polls the old job any more, so it stops by itself
        del st.session_state[exp.pending_key]
        st.session_state.pop(_watched(f"{exp.job} {pending!r}"), None)
        return
    key = f"{exp.job} {cfg!r}"
    fn = job(work, cfg, promised, _publisher(key) if live else None)
    try:
        if budget.fits_inline(seconds):
            result = _inline(key, fn, exp.label)
        else:
            result = _job(key, fn, promised, exp.label, live)
    except Stopped as stopped:
        result = stopped.result  # the page says it stopped early (``result.complete`` is False)
    except ValueError as exc:  # a setting the core refused: the sentence says what to change
        st.error(str(exc))
        del st.session_state[exp.pending_key]
        return
    if result is not None:
        st.session_state[exp.result_key] = result
        del st.session_state[exp.pending_key]


def _inline(key: str, fn: Callable[[Any], Any], label: str) -> Any:
    """``fn`` in this page run (it fits one) under a progress bar; shared by ``key`` with every session."""
    bar = st.progress(0.0, text=label)

    def update(frac: float, text: str = "") -> None:  # a job's Progress.update, minus Cancel (it takes a second)
        bar.progress(min(max(float(frac), 0.0), 1.0), text=f"{label}: {text}" if text else label)

    try:
        return _shared(key, lambda: fn(SimpleNamespace(update=update)))
    finally:
        bar.empty()
        with _LOCK:
            _LIVE.pop(key, None)


@cache.shared("experiments", max_mb=32, key=lambda args, kwargs: args[0])
def _shared(key: str, compute: Callable[[], Any]) -> Any:
    """``compute()``'s result for ``key``, once for every session (a Stopped run raises and is not kept)."""
    return compute()


def _job(key: str, fn: Callable[[Any], Any], promised: float, label: str, live) -> Any:
    """The job's result when done; until then its progress, Cancel and (with ``live``) its latest state."""
    # A job that stopped at its promise is not in the jobs store (it is not the answer for everyone): the session
    # keeps the job it watched, or its rerun would submit the key again, start anew, stop again, never deliver.
    held = st.session_state.get(_watched(key))
    stopped = held is not None and held.done.is_set() and isinstance(held.error, Stopped)
    running = held if stopped else jobs.submit(key, fn, estimate_s=promised, label=label)
    st.session_state[_watched(key)] = running
    try:
        result = jobs.show(running)
        if result is None and live is not None and not running.done.is_set():
            _live(key, live)
        return result
    finally:
        if running.done.is_set():  # delivered, failed or stopped (_follow takes it): nobody draws its states
            st.session_state.pop(_watched(key), None)
            with _LOCK:
                _LIVE.pop(key, None)


def _watched(key: str) -> str:
    return f"_normlab_experiment_job {key}"  # session_state: the job this session watches for ``key``


def _publisher(key: str) -> Callable[[Any], None]:
    def publish(state: Any) -> None:
        with _LOCK:
            _LIVE[key] = state
            _LIVE.move_to_end(key)
            while len(_LIVE) > _LIVE_MAX:
                _LIVE.popitem(last=False)
    return publish


@st.fragment(run_every=LIVE_S)
def _live(key: str, draw: Callable[[Any], None]) -> None:
    """The running job's latest published state, redrawn every ``LIVE_S`` (the page reruns when it is done)."""
    with _LOCK:
        state = _LIVE.get(key)
    draw(state)
