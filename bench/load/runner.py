"""One load run against a server that is already up: warm-up visit, N students, memory before/after."""

from __future__ import annotations

import asyncio
import resource

from bench.load import server
from bench.load.report import LoadRun, Memory
from bench.load.session import Session
from bench.load.student import Student


async def first_visits(url: str, plan: list[tuple[str, str]], timeout: float, rounds: int = 1) -> list[str]:
    """Visit each page ``rounds`` times, one tab after the other (as a first student would, by its link); returns
    what went wrong.

    Imports and first computations then do not count as per-session memory. Behind nginx each visit lands on a
    random replica, so a few rounds warm them all.
    """
    problems = []
    for page, control in plan * rounds:
        s = Session(url, page)
        try:
            run = await s.open(timeout=max(timeout, 180))
            problems += [f"first visit of {page}: {e}" for e in run.exceptions + run.errors]
            s.widget(control)
        except Exception as exc:  # reported in the table, the run goes on
            problems.append(f"first visit of {page}: {type(exc).__name__}: {exc}")
        finally:
            await s.close()
    return problems


async def load(url: str, pids: list[int], target: str, n: int, plan: list[tuple[str, str]], *, seconds: float = 60,
               period: float = 1.0, timeout: float = 30, linger: float = 5, warm: int = 1) -> LoadRun:
    """Warm up (``warm`` rounds of first visits), then ``n`` students on ``plan`` pages (round-robin) moving their
    control for ``seconds``."""
    warm_up = await first_visits(url, plan, timeout, warm)
    await asyncio.sleep(2)
    before = server.rss_mb(pids)
    students = [Student(url, plan[i % len(plan)][0], plan[i % len(plan)][1],
                        direction=1 if (i // len(plan)) % 2 == 0 else -1, timeout=timeout) for i in range(n)]
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    await asyncio.gather(*(s.start() for s in students))  # the whole class opens the link at once
    await asyncio.gather(*(s.drive(seconds, period) for s in students))
    loaded = server.rss_mb(pids)
    await asyncio.gather(*(s.finish() for s in students))
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    await asyncio.sleep(linger)
    memory = Memory(before, loaded, server.rss_mb(pids))
    cpu = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
    return LoadRun(target, n, seconds, [s.result for s in students], memory, cpu, warm_up)
