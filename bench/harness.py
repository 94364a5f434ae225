"""Timing harness: medians of several runs of ours vs a baseline measured in the same process."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Benchmark:
    """One row of the table: ``ours`` and ``baseline`` are zero-argument callables doing the same job."""

    name: str
    ours: Callable[[], object]
    baseline: Callable[[], object]
    target: str  # what the issue asks for, in words, e.g. ">= 50x faster" or "<= 20x one run"
    check: Callable[[float], bool]  # receives baseline_time / ours_time
    repeat: int = 5


@dataclass(frozen=True)
class Result:
    name: str
    ours_s: float
    baseline_s: float
    target: str
    met: bool

    @property
    def ratio(self) -> float:
        return self.baseline_s / self.ours_s if self.ours_s > 0 else float("inf")


def median_time(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` calls after one warm-up call (seconds)."""
    fn()
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def measure(b: Benchmark) -> Result:
    """Time ours and the baseline alternately-ordered in one process, so machine noise hits both."""
    ours = median_time(b.ours, b.repeat)
    base = median_time(b.baseline, b.repeat)
    ratio = base / ours if ours > 0 else float("inf")
    return Result(b.name, ours, base, b.target, b.check(ratio))


def table(results: list[Result]) -> str:
    """A markdown table of results."""
    rows = ["| benchmark | ours | baseline | baseline / ours | target | met |", "|---|---|---|---|---|---|"]
    for r in results:
        rows.append(f"| {r.name} | {_t(r.ours_s)} | {_t(r.baseline_s)} | {r.ratio:.2f} | {r.target} | "
                     f"{'yes' if r.met else 'NO'} |")
    return "\n".join(rows)


def _t(s: float) -> str:
    return f"{s * 1e3:.2f} ms" if s < 1 else f"{s:.2f} s"
