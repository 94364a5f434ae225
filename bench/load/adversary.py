"""The adversary scenario: the class moves its controls while one tab opens the heaviest links and another opens
many distinct heavy links; the class's latency is compared with its own quiet latency in the same run.

Phases, one server: warm-up; the class alone for ``quiet`` s (its baseline); the class for at least ``seconds``
while tab A visits every link of ``heavy.HEAVY`` and tab B the first ``links[0]`` distinct links; then the class
leaves and tab B goes on to ``links[-1]`` links. Server RSS is read before the adversary, at every checkpoint of
``links``, at its peak (sampled each second) and after every tab closed.
"""

from __future__ import annotations

import asyncio
import copy
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.load import heavy, server
from bench.load.runner import first_visits
from bench.load.student import Student, StudentResult


@dataclass
class AdversaryRun:
    target: str
    n: int
    quiet: list[StudentResult]  # the class alone
    busy: list[StudentResult]  # the class while the adversary tabs run
    heavy: list[heavy.Visit]  # tab A, one per heavy link
    distinct: list[heavy.Visit]  # tab B, in order
    rss_before: float | None  # MB, class open and quiet, before the adversary's first link
    rss_at: dict[int, float | None]  # distinct links done -> MB
    rss_peak: float | None
    rss_after: float | None  # MB, every tab closed, after the linger
    timeout: float  # a move's wait for its chart (timed-out moves count at this value)
    client_cpu_s: float
    warm_up: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class _Peak:
    """Samples the servers' RSS every ``period`` s until stopped; keeps the largest value."""

    def __init__(self, pids: list[int], period: float = 1.0):
        self.pids, self.period, self.peak = pids, period, None
        self._task = asyncio.create_task(self._sample())

    async def _sample(self) -> None:
        while True:
            now = await asyncio.to_thread(server.rss_mb, self.pids)
            if now is not None:
                self.peak = max(self.peak or 0.0, now)
            await asyncio.sleep(self.period)

    async def stop(self) -> float | None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        return self.peak


class _Tabs:
    """Tab A (every heavy link, in turn) and tab B (distinct links, in turn), within one time budget."""

    def __init__(self, url: str, pids: list[int], heavy_links: tuple[heavy.Link, ...],
                 distinct: Callable[[int], heavy.Link], counts: list[int], wait: float, budget: float):
        self.url, self.pids, self.heavy_links, self.distinct = url, pids, heavy_links, distinct
        self.counts, self.wait, self.deadline = sorted(set(counts)), wait, time.monotonic() + budget
        self.heavy: list[heavy.Visit] = []
        self.distinct_visits: list[heavy.Visit] = []
        self.rss_at: dict[int, float | None] = {}
        self.notes: list[str] = []
        self.a_done, self.b_first = asyncio.Event(), asyncio.Event()  # the class moves until both are set

    def busy(self) -> bool:
        return not (self.a_done.is_set() and self.b_first.is_set())

    async def tab_a(self) -> None:
        for link in self.heavy_links:
            if time.monotonic() > self.deadline:
                self.notes.append(f"tab A skipped {link}: scenario time budget spent")
                continue
            self.heavy.append(await heavy.visit(self.url, link, timeout=self.wait, result_timeout=self.wait))
        self.a_done.set()

    async def tab_b(self) -> None:
        for i in range(max(self.counts)):
            if time.monotonic() > self.deadline:
                self.notes.append(f"tab B stopped after {i} distinct links: scenario time budget spent")
                break
            self.distinct_visits.append(await heavy.visit(self.url, self.distinct(i), timeout=self.wait,
                                                          result_timeout=self.wait))
            if i + 1 in self.counts:
                await asyncio.sleep(2)  # let the server release what the closed tab held
                self.rss_at[i + 1] = server.rss_mb(self.pids)
            if i + 1 == self.counts[0]:
                self.b_first.set()
        self.b_first.set()


async def adversary(url: str, pids: list[int], target: str, n: int, plan: list[tuple[str, str]], *,
                    quiet: float = 30, seconds: float = 60, period: float = 1.0, timeout: float = 30,
                    links: tuple[int, ...] = (25, 100), wait: float = 120, budget: float = 1800, linger: float = 5,
                    heavy_links: tuple[heavy.Link, ...] = heavy.HEAVY,
                    distinct: Callable[[int], heavy.Link] = heavy.distinct) -> AdversaryRun:
    """Run the scenario against a server that is up: tab A visits ``heavy_links``, tab B ``distinct(0)``,
    ``distinct(1)``, ... up to ``max(links)``; ``budget`` s bounds the two tabs (what is left is noted)."""
    warm_up = await first_visits(url, plan, timeout)
    students = [Student(url, plan[i % len(plan)][0], plan[i % len(plan)][1],
                        direction=1 if (i // len(plan)) % 2 == 0 else -1, timeout=timeout) for i in range(n)]
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    await asyncio.gather(*(s.start() for s in students))
    await asyncio.gather(*(s.drive(quiet, period) for s in students))
    quiet_results = [copy.deepcopy(s.result) for s in students]
    for s in students:
        s.result = StudentResult(s.result.page, open_s=s.result.open_s)

    rss_before, peak = server.rss_mb(pids), _Peak(pids)
    tabs = _Tabs(url, pids, heavy_links, distinct, list(links), wait, budget)
    b = asyncio.create_task(tabs.tab_b())
    await asyncio.gather(tabs.tab_a(), *(s.drive(seconds, period, tabs.busy) for s in students))
    await asyncio.gather(*(s.finish() for s in students))
    await b  # tab B goes on alone to its last checkpoint
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    rss_peak = await peak.stop()
    await asyncio.sleep(linger)
    cpu = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
    return AdversaryRun(target, n, quiet_results, [s.result for s in students], tabs.heavy, tabs.distinct_visits,
                        rss_before, tabs.rss_at, rss_peak, server.rss_mb(pids), timeout, cpu, warm_up, tabs.notes)
