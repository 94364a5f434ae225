"""Whose page run goes next: a fair queue for the process's run slot (start-time fair queuing by session).

A plain semaphore serves waiting runs in arrival order, so one tab opening heavy links (each run up to
budget.RUN_S) takes every other turn and a class queued behind it waited seconds (make load, adversary: p95 3.8-4.2 s
from 100 distinct heavy links alone). Here every session has a virtual clock that advances by the seconds its runs
held the slot; a waiting run is tagged with max(its session's clock, the tag of the run last started) and the
smallest tag goes next (arrival order among equals). A student's 30 ms tick thus overtakes a session that just held
the slot for a second, that session still gets its turn once the others used as much (no one starves: a tag is fixed
while the tags of later arrivals only grow), and a session that was idle comes back with no credit saved up.
Background jobs ask last of all (``idle``): they wait for a moment when no page run is running or waiting.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class Turns:
    """``slots`` page runs at once; waiting runs served by start tag (ties: arrival order)."""

    def __init__(self, slots: int = 1, clock=time.monotonic):
        self._cond = threading.Condition()
        self._free = slots
        self._queue: list[tuple[float, int]] = []  # heap of (start tag, ticket)
        self._tickets = itertools.count()
        self._now = 0.0  # virtual time: the tag of the run started last
        self._clock_of: dict[str, float] = {}  # session -> its virtual clock (finish tag of its last run)
        self._clock = clock

    def tag(self, who: str) -> float:
        """The start tag a run of ``who`` arriving now gets."""
        return max(self._now, self._clock_of.get(who, 0.0))

    @property
    def busy(self) -> bool:
        """Whether a page run holds a slot or waits for one."""
        with self._cond:
            return self._free <= 0 or bool(self._queue)

    @contextmanager
    def turn(self, who: str) -> Iterator[None]:
        """Hold a slot for one page run of session ``who`` (waits, without the GIL, for its turn)."""
        with self._cond:
            entry = (self.tag(who), next(self._tickets))
            heapq.heappush(self._queue, entry)
            while not (self._free > 0 and self._queue[0] == entry):
                self._cond.wait()
            heapq.heappop(self._queue)
            self._free -= 1
            self._now = max(self._now, entry[0])
            self._cond.notify_all()  # with several slots the next in line may start too
        start = self._clock()
        try:
            yield
        finally:
            with self._cond:
                self._free += 1
                self._clock_of[who] = entry[0] + self._clock() - start
                if len(self._clock_of) > 256:  # sessions whose clock fell behind would restart at _now anyway
                    self._clock_of = {k: v for k, v in self._clock_of.items() if v > self._now}
                self._cond.notify_all()

    def idle(self, timeout: float) -> bool:
        """Wait up to ``timeout`` s for a moment with no page run running or waiting; True if there was one."""
        end = self._clock() + timeout
        with self._cond:
            while self._free <= 0 or self._queue:
                left = end - self._clock()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True
