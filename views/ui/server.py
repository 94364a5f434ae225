"""What one server process does for all its sessions: page runs take turns, and start-up objects leave the GC's way.

Admission control: at most RUN_SLOTS page runs execute at once in one server process; the rest wait their turn.
Why: Python runs one thread at a time, so 30 runs started together each take ~30x their CPU cost in wall time
(the GIL shares the core round-robin). Once that passes the time between two moves of a student, every run is
interrupted by the next move before it finishes, its work is lost, and no chart updates until the class stops
dragging. Runs that queue here finish in about their own cost, one after another, and a run that is replaced
while it waits has done no work. Measured with `make load` (optimizer + normalization pages, N = 30 on one
replica): p95 0.84 s with one slot, 5.0 s with two, 52-57 s without. The price: a long uncached run (a first
sweep, ~1 s) holds the others up for its duration. Fragment reruns (live training) bypass app.py and this.
"""

from __future__ import annotations

import ctypes
import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

RUN_SLOTS = 1
TRIM_S = 30.0  # seconds between two hand-backs of freed heap memory to the OS
_slots = threading.BoundedSemaphore(RUN_SLOTS)


@contextmanager
def run_slot() -> Iterator[None]:
    """Hold one of the process's run slots for the duration of a page run (waits, without the GIL, for a free one)."""
    with _slots:
        yield


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
    """A daemon thread giving freed heap memory back to the OS every TRIM_S (glibc's malloc_trim; a no-op elsewhere).

    glibc keeps what freed sessions and results leave behind in its arenas, so the process's RSS stayed at its
    peak after a burst of distinct links even once their sessions and cache entries were gone (make load,
    adversary). Trimming from a thread of its own costs a page run nothing.
    """
    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: its allocator returns memory its own way
        return

    def loop() -> None:
        while True:
            time.sleep(TRIM_S)
            trim(0)

    threading.Thread(target=loop, name="normlab-malloc-trim", daemon=True).start()

