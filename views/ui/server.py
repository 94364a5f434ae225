"""What one server process does for all its sessions: page runs take turns, and start-up objects leave the GC's way.

Admission control: at most RUN_SLOTS page runs execute at once in one server process; the rest wait their turn.
Why: Python runs one thread at a time, so 30 runs started together each take ~30x their CPU cost in wall time
(the GIL shares the core round-robin). Once that passes the time between two moves of a student, every run is
interrupted by the next move before it finishes, its work is lost, and no chart updates until the class stops
dragging. Runs that queue here finish in about their own cost, one after another, and a run that is replaced
while it waits has done no work. Measured with `make load` (optimizer + normalization pages, N = 30 on one
replica): p95 0.84 s with one slot, 5.0 s with two, 52-57 s without. The price: a long uncached run (a first
sweep, ~1 s) holds the others up for its duration, so a session that held the slot long lately waits up to 2 s
behind later arrivals (views/ui/turns.py). A slider's fragment (`fragment`) takes its turn too; the live view's
timed fragments bypass app.py and this.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st
from streamlit.runtime.scriptrunner import RerunException, get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData, ScriptRequestType
from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

from views.ui import frame
from views.ui.turns import Turns

RUN_SLOTS = 1
TRIM_S = 5.0  # seconds between two garbage collections and hand-backs of freed heap memory to the OS
M_ARENA_MAX = -8  # glibc's mallopt parameter: the most malloc arenas (one per thread by default, up to 8 per core)
TURNS = Turns(RUN_SLOTS)
_HELD = threading.local()  # whether this script thread holds a slot (a fragment drawn by the page run that has it)


def session_id() -> str:
    """The id of the session whose script runs in this thread ("local" outside a session: tests, job threads)."""
    ctx = st.runtime.scriptrunner.get_script_run_ctx()
    return ctx.session_id if ctx is not None else "local"


@contextmanager
def run_slot(who: str | None = None) -> Iterator[None]:
    """Hold one of the process's run slots for the duration of a page run of session ``who`` (default: the
    current script's session), in the order of views/ui/turns.py."""
    if getattr(_HELD, "on", False):  # a fragment's first run, inside the page run that holds the slot
        yield
        return
    with TURNS.turn(session_id() if who is None else who):
        _HELD.on = True
        try:
            yield
        finally:
            _HELD.on = False


def superseded() -> None:
    """Let a fragment rerun that waited for its turn draw its session's newest move instead of a stale one.

    A move of a widget inside a fragment does not interrupt the session's run in progress (Streamlit: it would cut
    elements outside the fragment short), so under a busy class every stale fragment run waited for its turn, did
    all its work, and only then the run the student wants now: the adversary's p95 went from 5.8 to 10.9 s. A page
    run was cut at its first element once it had the slot. Here, before the fragment draws anything: a newer
    request for this same fragment is taken and its widget values applied to this run (as its own run would apply
    them: callbacks included, and the browser's cached messages as it reports them), so this run draws the newest
    move and the stale one costs nothing; a newer full page run replaces this one (RerunException). Aborting a
    fragment for a newer rerun of itself instead would drop its nested fragments and their places in the page's
    containers (Streamlit re-creates them only in a full run).
    Reads Streamlit's pending request (``ScriptRequests``, 1.67: requirements.txt pins the minor version)."""
    ctx = get_script_run_ctx()
    requests = getattr(ctx, "script_requests", None)
    if requests is None:
        return
    own = ThreadState.get().fragment_id
    with requests._lock:
        if requests._state != ScriptRequestType.RERUN:
            return
        newer = requests._rerun_data
        queue = list(newer.fragment_id_queue)
        if queue and queue != [own]:  # another fragment's rerun: it runs after this one, as Streamlit has it
            return
        requests._state = ScriptRequestType.CONTINUE  # taken, as at an interrupt point
    if not queue:  # a full page run: it redraws everything, this fragment included
        raise RerunException(newer)
    # What the browser holds now, as the newer request says: a message it has since dropped is sent in full, not
    # referenced by hash (Streamlit would have reset the context with these for the newer run; with the stale
    # run's set, the browser met "Cached ForwardMsg MISS" and the chart never changed: `make load`, adversary).
    ctx.cached_message_hashes = frozenset(newer.cached_message_hashes)
    ctx.session_state.on_script_will_rerun(newer.widget_states, replay_trigger_states=newer.replay_trigger_states,
                                           replay_trigger_values=newer.replay_trigger_values,
                                           is_history_navigation=newer.is_history_navigation)


def fragment(fn: Callable) -> Callable:
    """``st.fragment(fn)`` whose reruns take their turn like page runs: a tick of a slider inside it reruns and
    re-sends only the fragment (the browser handles a few deltas instead of the page's 70-90), and a class ticking
    at once still queues instead of sharing the GIL 30 ways. A fragment may write into containers the page made
    before calling it (Streamlit >= 1.67): the page keeps its layout, the fragment fills the slots it is given. Its
    errors become frame.failed's sentence where it is called (its return value is then None)."""

    @functools.wraps(fn)
    def turned(*args, **kwargs):
        alone = not getattr(_HELD, "on", False)  # a rerun of the fragment alone, not its first run in a page run
        # A rerun of the fragment alone is outside frame.page's guard: it gets the same sentence for an error.
        with run_slot(), frame.guard(f"fragment {fn.__qualname__}"):
            if alone:
                superseded()
            return fn(*args, **kwargs)

    return st.fragment(turned)


def rerun_fragment(fragment_id: str) -> None:
    """Rerun the fragment ``fragment_id`` alone, from any fragment of this session: ``st.rerun(scope="fragment")``
    reruns only the fragment that calls it, so a nested polling fragment could otherwise rerun its parent only by
    rerunning the whole page. The request is folded into any pending one as Streamlit folds its own (1.67)."""
    ctx = get_script_run_ctx()
    ctx.script_requests.request_rerun(RerunData(
        query_string=ctx.query_string, page_script_hash=ctx.page_script_hash, fragment_id_queue=[fragment_id],
        is_fragment_scoped_rerun=True, cached_message_hashes=ctx.cached_message_hashes,
        context_info=ctx.context_info))
    st.empty()  # an interrupt point, as in st.rerun: the runner takes the request here, so this is never drawn


@st.cache_resource(show_spinner=False)
def freeze_startup_objects() -> None:
    """Once per process, after a first page has run (torch, plotly, numpy loaded): move every live object into the
    garbage collector's permanent generation.

    With ``runner.postScriptGC`` off, Python still runs full collections on its own when many objects survive,
    e.g. every ten or so cold optimizer reruns, and each walked the whole heap: ~170 ms with torch loaded. Frozen,
    a full collection walks only what was made since (~5 ms measured). Later garbage is collected as before; the
    objects frozen here (modules, caches, the first session) are never freed, which they would not be anyway.
    """
    gc.collect()
    gc.freeze()
    _start_trimming()


def _start_trimming() -> None:
    """A daemon thread that every TRIM_S collects cyclic garbage and gives freed heap memory back to the OS (glibc's
    malloc_trim; only the collection elsewhere).

    With ``runner.postScriptGC`` off and the start-up heap frozen, Python's own full collections come rarely (they
    count objects, not bytes), so the reference cycles a run leaves (figures, delta generators) kept the large arrays
    they point at: 25 distinct heavy links grew a replica by 530-1000 MB from run to run, and by 234 MB once a
    collection ran every 5 s (make load, adversary). A full collection of the unfrozen heap takes a few ms; glibc
    then keeps what was freed in its arenas unless trimmed. Both from a thread of its own cost a page run nothing.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
        trim = libc.malloc_trim
        libc.mallopt(M_ARENA_MAX, 2)  # each script thread got an arena of its own that kept its freed pages
    except (OSError, AttributeError):  # not glibc: its allocator returns memory its own way

        def trim(_pad: int) -> None:
            return None

    def loop() -> None:
        while True:
            time.sleep(TRIM_S)
            gc.collect()
            trim(0)

    threading.Thread(target=loop, name="normlab-gc-trim", daemon=True).start()
