"""Background jobs: a long computation runs outside the page-run turn, shared by every session that asks for it.

A page run holds the process's run slot (views/ui/server.py), so a 30 s computation inside it would stall every
student. A job runs in a worker thread instead; the page shows "about N s", a progress bar and Cancel, polled by a
fragment (fragment reruns do not take the slot), and reruns itself when the result is there. Jobs are keyed by their
settings: a second student asking for the same key watches the same job. A job nobody has watched for ABANDON_S
(tab closed, settings changed) or that every watcher cancelled stops at its next ``progress.update``.

A job thread shares the interpreter with page runs: while it computes, a page run gets about half the GIL and takes
twice as long. So at each ``progress.update`` a job first waits until no page run is running or waiting for the run
slot, at most YIELD_S and at most as long as it computed since its last wait: students' ticks go first, the job
fills the gaps between them and never runs at less than half its speed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

from views.ui import server
from views.ui.cache import SCALE, _Store
from views.ui.server import TURNS, session_id

WORKERS = 1  # one job at a time: on two cores the page runs keep the other
ABANDON_S = 6.0  # a job whose page stopped polling for this long has no one left to show it to
POLL_S = 0.5
YIELD_S = 0.25  # the longest a job waits at one progress update for page runs to finish (it must still progress)
_POOL = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="normlab-job")
_LOCK = threading.Lock()
_RUNNING: dict[str, Job] = {}
_DONE = _Store("jobs", int(128 * SCALE * 2**20))  # finished results by key, least recently used evicted
# Failed jobs by key, for FAILED_S: the rerun a failure triggers shows its error instead of starting the job again
# (which would fail again, rerun again, and so on every POLL_S). Errors only: a handful of small objects.
_FAILED: dict[str, tuple[Job, float]] = {}
FAILED_S = 60.0
_CANCELLED = "_normlab_jobs_cancelled"  # session_state: keys this session cancelled (not restarted by a rerun)


class Cancelled(Exception):
    """Raised inside a job's function by ``Progress.update`` once nobody wants the result any more."""


class Job:
    """One computation in the worker pool: its progress, its watchers, its result or error."""

    def __init__(self, key: str, label: str, estimate_s: float):
        self.key, self.label, self.estimate_s = key, label, estimate_s
        self.frac, self.text = 0.0, "waiting for the worker"
        self.started: float | None = None
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = threading.Event()
        self.stop = threading.Event()
        self.watchers: dict[str, float] = {}  # session id -> last time its page polled

    def touch(self, who: str) -> None:
        self.watchers[who] = time.monotonic()

    def leave(self, who: str) -> None:
        """``who`` cancels: the job stops when no other session still watches it."""
        self.watchers.pop(who, None)
        if not self.watchers:
            self.stop.set()

    def wanted(self) -> bool:
        now = time.monotonic()
        return not self.stop.is_set() and any(now - t < ABANDON_S for t in self.watchers.values())

    @property
    def elapsed(self) -> float:
        return 0.0 if self.started is None else time.monotonic() - self.started


class Progress:
    """What a job's function sees: ``update(frac, text)`` reports and raises Cancelled when the job is unwanted."""

    def __init__(self, job: Job):
        self._job = job
        self._since = time.monotonic()  # end of the last wait: the job has computed since then

    def update(self, frac: float, text: str = "") -> None:
        self._job.frac, self._job.text = min(max(float(frac), 0.0), 1.0), text
        if not self._job.wanted():
            raise Cancelled(self._job.key)
        # Wait no longer than the job just computed: page runs go first, yet the job keeps at least half of its
        # speed, so a busy class cannot stretch a promised 20 s into minutes.
        now = time.monotonic()
        TURNS.idle(min(YIELD_S, now - self._since))
        self._since = time.monotonic()


def _work(job: Job, fn: Callable[[Progress], Any]) -> None:
    job.started = time.monotonic()
    try:
        job.result = fn(Progress(job))
        _DONE.get(job.key, lambda: job.result)
    except BaseException as exc:  # kept for the page to show; Cancelled included
        job.error = exc
    finally:
        with _LOCK:
            _RUNNING.pop(job.key, None)
            if job.error is not None and not isinstance(job.error, Cancelled):
                now = time.monotonic()
                for key in [k for k, (_, at) in _FAILED.items() if now - at > FAILED_S]:
                    del _FAILED[key]
                _FAILED[job.key] = (job, now)
        job.done.set()


def submit(key: str, fn: Callable[[Progress], Any], *, estimate_s: float, label: str) -> Job:
    """The job computing ``fn`` for ``key``: finished, failed within FAILED_S, running (joined), or started now;
    this session watches it.

    After this session pressed Cancel, reruns get a cancelled job (shown with "Run again") instead of a restart.
    """
    who = session_id()
    job = Job(key, label, estimate_s)
    if cancelled(key):
        job.error = Cancelled(key)
        job.done.set()
        return job
    with _LOCK:
        hit = _DONE.entries.get(key)
        if hit is not None:
            job.result, job.frac = hit[0], 1.0
            job.done.set()
            return job
        failed = _FAILED.get(key)
        if failed is not None and time.monotonic() - failed[1] <= FAILED_S:
            return failed[0]
        running = _RUNNING.get(key)
        if running is not None and not running.stop.is_set():
            running.touch(who)
            return running
        _RUNNING[key] = job
        job.touch(who)
        _POOL.submit(_work, job, fn)
    return job


def cancelled(key: str) -> bool:
    """Whether this session cancelled ``key`` (the page then offers to run it again instead of restarting it)."""
    return key in st.session_state.get(_CANCELLED, set())


def show(job: Job) -> Any:
    """The job's result when it is done (an error is re-raised); until then "about N s", a progress bar and Cancel.

    Returns None while running or after this session cancelled; the page reruns by itself when the result arrives.
    """
    if not job.done.is_set():
        _watch(job)
        return None
    if isinstance(job.error, Cancelled):
        st.info(f"{job.label}: cancelled.", icon=":material/cancel:")
        if st.button("Run again", icon=":material/replay:", key=f"again_{job.key}"):
            st.session_state.get(_CANCELLED, set()).discard(job.key)
            st.rerun()
        return None
    if job.error is not None:
        raise job.error
    return job.result


def rerun_when_done(job: Job) -> None:
    """Draw nothing, and once ``job`` has finished without an error rerun the fragment that calls this, so its
    elements carry what the job computed (work a page does not wait for: figures sent ahead of a tick). Outside a
    fragment it does nothing: the next run carries the result."""
    own = ThreadState.get().fragment_id
    if own is not None and not job.done.is_set():
        _then(job, own)


@st.fragment(run_every=POLL_S)
def _then(job: Job, fragment_id: str) -> None:
    # A poll draws nothing and takes no run turn; after an error it polls on harmlessly until the page moves on.
    if not job.done.is_set():
        job.touch(session_id())  # watched, as _watch's polls do: a job nobody polls stops after ABANDON_S
    elif job.error is None:
        server.rerun_fragment(fragment_id)


@st.fragment(run_every=POLL_S)
def _watch(job: Job) -> None:
    who = session_id()
    if job.done.is_set():
        st.rerun(scope="app")
    job.touch(who)
    left = max(job.estimate_s - job.elapsed, 0.0)
    eta = f"about {left:.0f} s left" if job.started is not None else f"about {job.estimate_s:.0f} s once it starts"
    st.progress(job.frac, text=f"{job.label}: {job.text} ({eta})")
    if st.button("Cancel", icon=":material/cancel:", key=f"cancel_{job.key}"):
        job.leave(who)
        st.session_state.setdefault(_CANCELLED, set()).add(job.key)
        st.rerun(scope="app")
