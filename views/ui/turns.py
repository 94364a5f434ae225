"""Whose page run goes next: arrival order, with a bounded delay for sessions that held the run slot long lately.

A plain semaphore serves waiting runs in arrival order, so a tab opening heavy links (each run up to budget.RUN_S)
took every other turn and the class queued behind it waited seconds (make load, adversary: p95 3.8-4.2 s from 100
distinct heavy links alone). Full fair queuing by session fixes that but is worse for a class: a student whose run
missed the cache (0.3-1 s) then waits until each of the other 29 has used as much, ~30 s (measured: p95 28-66 s).
So a waiting run is tagged with its arrival time plus the seconds its session held the slot recently (decayed with
a HALF_LIFE_S half-life), at most MAX_DELAY_S; the smallest tag goes next. A student's tick overtakes the heavy tab's
queued run, the heavy tab waits at most MAX_DELAY_S longer than in arrival order, and no one starves (tags are
fixed, later arrivals only get later ones). A session the ledger does not know (a tab just opened, e.g. from a link)
counts as having held the slot NEW_S: opening a page is a wait of seconds anyway, while a student's move is one of
tenths, and a stream of distinct heavy links, each a new session, had no use on record and went first every time.
Background jobs ask last of all (``idle``): they wait for a moment when no page run is running or waiting.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

HALF_LIFE_S = 10.0  # a session's use of the slot counts half after this long
MAX_DELAY_S = 2.0  # the most a session's recent use delays its next run behind later arrivals
NEW_S = 1.0  # the use a session unknown to the ledger counts as (its first run waits behind known sessions' moves)
FORGET_S = 120.0  # sessions not seen for this long are dropped from the ledger (it stays small)


class Turns:
    """``slots`` page runs at once; waiting runs served by arrival + min(MAX_DELAY_S, recent use) (ties: arrival)."""

    def __init__(self, slots: int = 1, clock=time.monotonic):
        self._cond = threading.Condition()
        self._free = slots
        self._queue: list[tuple[float, int]] = []  # heap of (tag, ticket)
        self._tickets = itertools.count()
        self._used: dict[str, tuple[float, float]] = {}  # session -> (decayed seconds held, at time)
        self._clock = clock

    def usage(self, who: str) -> float:
        """Seconds ``who`` held the slot, each weighted by 0.5 ** (age / HALF_LIFE_S); NEW_S for a session unknown."""
        if who not in self._used:
            return NEW_S
        held, at = self._used[who]
        return held * 0.5 ** ((self._clock() - at) / HALF_LIFE_S)

    def tag(self, who: str) -> float:
        """The tag a run of ``who`` arriving now gets: now, plus its session's recent use up to MAX_DELAY_S."""
        return self._clock() + min(MAX_DELAY_S, self.usage(who))

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
            if self._free > 0 and self._queue:
                self._cond.notify_all()  # with several slots the next in line may start too
        start = self._clock()
        try:
            yield
        finally:
            with self._cond:
                self._free += 1
                now = self._clock()
                known = self.usage(who) if who in self._used else 0.0  # NEW_S only orders the first run
                self._used[who] = (known + now - start, now)
                if len(self._used) > 256:
                    self._used = {k: v for k, v in self._used.items() if now - v[1] <= FORGET_S}
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
