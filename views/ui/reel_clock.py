"""When a live chart shows each frame of a reel (views/ui/live_chart.js's rule, in Python): the server uses it to
know which frame a student sees when they press Pause, the load client (bench.load.run) to time what a tab sees.

The rule: frames come a few per rerun and join a queue (ids after the last queued); one is shown every ``every`` s
after the one before, the first at once when the queue ran dry. Frames arrive as fast as they play, so a rerun that
came late would leave every later frame that much behind for good: a queue longer than the most frames one rerun of
this reel brought plays faster, all of it in that many frames' time. Beyond MAX_QUEUE the oldest are skipped; a new
reel (or a still figure, every = 0) drops what was still to play and shows its last frame at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_QUEUE = 20  # frames a live chart keeps queued (live_chart.js): two ticks of play (views.histograms.live), ~4 s


@dataclass
class ReelClock:
    """One live chart's player: the reel it plays, the frame on screen and those still queued."""

    reel: str | None = None
    last: int | None = None  # the last id queued or shown
    next_at: float = 0.0  # when the next frame may show once the queue ran dry
    per_run: int = 1  # the most frames one rerun of this reel brought
    shown: int | None = None  # the id of the frame on screen by the last settled moment
    queue: list[tuple[int, float]] = field(default_factory=list)  # (id, time) still to show

    def push(self, reel: str | None, ids: list[int], every: float, now: float) -> dict[int, float | None]:
        """A rerun's frames ``ids`` (increasing) arrive at ``now``; returns the frames whose time is set or changed
        (None: dropped, never shown). Times are seconds, on the caller's clock."""
        self._settle(now)
        changed: dict[int, float | None] = {}
        if not every or reel != self.reel:
            changed.update((i, None) for i, _ in self.queue)
            self.reel, self.queue, self.per_run, self.last, self.next_at = reel, [], 1, None, now
            if not every:  # a still figure: its frame at once
                self.last = ids[-1] if ids else None
                if self.last is not None:
                    self.shown = self.last
                    changed[self.last] = now
                return changed
        first = self.queue[0][1] if self.queue else max(now, self.next_at)  # the timer already set
        fresh = [i for i in ids if self.last is None or i > self.last]
        queue = [i for i, _ in self.queue] + fresh
        self.last = queue[-1] if queue else self.last
        changed.update((i, None) for i in queue[:max(0, len(queue) - MAX_QUEUE)])
        queue = queue[-MAX_QUEUE:]
        self.per_run = max(self.per_run, len(fresh))
        pace = every * min(1.0, self.per_run / max(1, len(queue)))
        self.queue = [(i, first + k * pace) for k, i in enumerate(queue)]
        changed.update(self.queue)
        if self.queue:
            self.next_at = self.queue[-1][1] + pace
        return changed

    def on_screen(self, now: float) -> int | None:
        """The id of the frame shown at ``now`` (None before any)."""
        self._settle(now)
        return self.shown

    def _settle(self, now: float) -> None:
        while self.queue and self.queue[0][1] <= now:
            self.shown = self.queue.pop(0)[0]
