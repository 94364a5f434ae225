"""The lecture scenario: N tabs on the live-training page press Play at the same moment, then watch.

What each tab measures is read off the websocket, whatever the page does to animate: a *chart update* is a run
(full or fragment) that redraws at least one chart with content different from what that spot showed, or, when a
run sends a reel of frames for the browser to play (views.ui.charts.reel), each new frame at the moment the
browser shows it (bench.load.run.Run.play); its latency runs from the rerun request it answers (a fragment
timer's tick, or the Play click) to the first new chart on screen. Per tab: updates per second over the watching
window, p95 latency, the longest gap between two updates (Play -> first update and last update -> end of window
included: a stalled tab shows as one long gap).
"""

from __future__ import annotations

import asyncio
import resource
import time
from dataclasses import dataclass, field

from bench.load import server
from bench.load.session import Session


@dataclass
class LectureResult:
    open_s: float | None = None
    window: float = 0.0  # seconds watched after Play
    updates: list[float] = field(default_factory=list)  # arrival of each chart update, s after Play
    latencies: list[float] = field(default_factory=list)  # request -> first new chart, per update
    errors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Chart updates per second over the window."""
        return len(self.updates) / self.window if self.window else 0.0

    @property
    def max_gap(self) -> float:
        """Longest wait between Play, the updates and the end of the window."""
        marks = [0.0, *sorted(self.updates), self.window]
        return max(b - a for a, b in zip(marks, marks[1:], strict=False))


@dataclass
class LectureRun:
    target: str
    n: int
    page: str
    seconds: float
    results: list[LectureResult]
    rss_before: float | None
    rss_loaded: float | None
    rss_after: float | None
    client_cpu_s: float
    warm_up: list[str] = field(default_factory=list)


class Watcher:
    """One student of the lecture: opens the page, presses Play when told, reports its chart updates."""

    def __init__(self, url: str, page: str, query: str = "", play: str = "Play", timeout: float = 120):
        self.session = Session(url, page, query)
        self.play_label, self.timeout = play, timeout
        self.result = LectureResult()
        self.played_at: float | None = None
        self._first = 0  # index of the first run that can answer Play

    async def start(self) -> None:
        t0 = time.monotonic()
        try:
            run = await self.session.open(timeout=self.timeout)
            self.result.open_s = run.finished - t0
        except Exception as exc:  # counted; this tab then sits the lecture out
            self.result.errors.append(f"open: {type(exc).__name__}: {exc}")

    async def play(self) -> None:
        """Press Play: a button of that label, else a toggle or checkbox of that label switched on."""
        if self.result.open_s is None:
            return
        s, self._first = self.session, len(self.session.runs)
        try:
            if self.play_label in s.buttons:
                self.played_at = await s.click(self.play_label)
            else:
                w = s.widget(self.play_label)
                self.played_at = await s.set_value(w, True)
        except KeyError as exc:
            self.result.errors.append(f"no Play control: {exc}")

    def measure(self, window: float) -> LectureResult:
        """Chart updates within ``window`` s after Play, and every error the tab saw since."""
        r, s = self.result, self.session
        r.window = window if self.played_at is not None else 0.0
        for run in s.runs[self._first:] if self.played_at is not None else []:
            r.errors += [f"exception: {e}" for e in run.exceptions] + [f"st.error: {e[:120]}" for e in run.errors]
            shown = [t - self.played_at for t in run.updates if t - self.played_at <= window]
            if shown:
                r.updates += shown
                if run.latency is not None:
                    r.latencies.append(run.latency)
        if self.played_at is not None and not r.updates:
            r.errors.append(f"no chart update within {window:.0f} s of Play")
        r.errors += s.protocol_errors
        return r

    async def close(self) -> None:
        await self.session.close()


async def _first_visit(url: str, page: str, query: str, timeout: float) -> list[str]:
    s = Session(url, page, query)
    try:
        run = await s.open(timeout=max(timeout, 180))
        return [f"first visit of {page}: {e}" for e in run.exceptions + run.errors]
    except Exception as exc:  # reported in the table, the run goes on
        return [f"first visit of {page}: {type(exc).__name__}: {exc}"]
    finally:
        await s.close()


async def lecture(url: str, pids: list[int], target: str, n: int, *, page: str = "histograms", query: str = "",
                  play: str = "Play", seconds: float = 60, timeout: float = 120, linger: float = 5,
                  warm: int = 1) -> LectureRun:
    """Warm up (``warm`` first visits, one after the other: behind nginx each lands on a random replica), open ``n``
    tabs, press Play in all at once, watch for ``seconds``, close; RSS around it."""
    warm_up = []
    for _ in range(warm):
        warm_up += await _first_visit(url, page, query, timeout)
    await asyncio.sleep(2)
    before = server.rss_mb(pids)
    watchers = [Watcher(url, page, query, play, timeout) for _ in range(n)]
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    await asyncio.gather(*(w.start() for w in watchers))
    await asyncio.gather(*(w.play() for w in watchers))  # the teacher says "press Play now"
    await asyncio.sleep(seconds)
    loaded = server.rss_mb(pids)
    results = [w.measure(seconds) for w in watchers]
    await asyncio.gather(*(w.close() for w in watchers))
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    await asyncio.sleep(linger)
    cpu = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
    return LectureRun(target, n, page, seconds, results, before, loaded, server.rss_mb(pids), cpu, warm_up)
