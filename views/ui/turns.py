"""Whose page run goes next: a fair queue for the process's run slot, by each session's recent use of it.

A plain semaphore serves waiting runs in arrival order, so one tab opening heavy links (each run up to
budget.RUN_S) takes every other turn and a class queued behind it waited seconds (make load, adversary: p95 3.8-4.2 s
from 100 distinct heavy links alone). Here the free slot goes to the waiting run whose session held the slot least
over the last few HALF_LIFE_S (decayed seconds), arrival order among equals: a student's 30 ms tick overtakes the
queue of a session that just held the slot for a second, and that session still gets every turn nobody else wants.
Background jobs ask last of all (``idle``): they wait for a moment when no page run is running or waiting.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

HALF_LIFE_S = 10.0  # a session's use of the slot counts half after this long: a heavy link's weight fades in ~30 s
FORGET_S = 120.0  # sessions not seen for this long are dropped from the ledger (it stays small)


class Turns:
    """``slots`` page runs at once; waiting runs served least recent use first (ties: arrival order)."""

    def __init__(self, slots: int = 1, clock=time.monotonic):
        self._cond = threading.Condition()
        self._free = slots
        self._queue: list[tuple[float, int]] = []  # heap of (priority, ticket)
        self._tickets = itertools.count()
        self._used: dict[str, tuple[float, float]] = {}  # session -> (decayed seconds held, at time)
        self._clock = clock

    def usage(self, who: str) -> float:
        """Seconds ``who`` held the slot, each weighted by 0.5 ** (age / HALF_LIFE_S)."""
        held, at = self._used.get(who, (0.0, 0.0))
        return held * 0.5 ** ((self._clock() - at) / HALF_LIFE_S)

    @property
    def busy(self) -> bool:
        """Whether a page run holds a slot or waits for one."""
        with self._cond:
            return self._free <= 0 or bool(self._queue)

    @contextmanager
    def turn(self, who: str) -> Iterator[None]:
        """Hold a slot for one page run of session ``who`` (waits, without the GIL, for its turn)."""
        with self._cond:
            entry = (self.usage(who), next(self._tickets))
            heapq.heappush(self._queue, entry)
            while not (self._free > 0 and self._queue[0] == entry):
                self._cond.wait()
            heapq.heappop(self._queue)
            self._free -= 1
            self._cond.notify_all()  # with several slots the next in line may start too
        start = self._clock()
        try:
            yield
        finally:
            with self._cond:
                self._free += 1
                now = self._clock()
                self._used[who] = (self.usage(who) + now - start, now)
                if len(self._used) > 256:
                    self._forget(now)
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

    def _forget(self, now: float) -> None:
        for who, (_, at) in list(self._used.items()):
            if now - at > FORGET_S:
                del self._used[who]
