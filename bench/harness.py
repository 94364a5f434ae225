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
    """One measured row: the benchmark and the median seconds of ours and of its baseline."""

    bench: Benchmark
    ours_s: float
    baseline_s: float

    @property
    def ratio(self) -> float:
        return self.baseline_s / self.ours_s if self.ours_s > 0 else float("inf")

    @property
    def met(self) -> bool:
        return self.bench.check(self.ratio)


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
    """Time ours, then the baseline, in one process (medians of several calls each)."""
    return Result(b, median_time(b.ours, b.repeat), median_time(b.baseline, b.repeat))


def table(results: list[Result]) -> str:
    """A markdown table of results."""
    rows = ["| benchmark | ours | baseline | baseline / ours | target | met |", "|---|---|---|---|---|---|"]
    for r in results:
        rows.append(f"| {r.bench.name} | {_t(r.ours_s)} | {_t(r.baseline_s)} | {r.ratio:.2f} | {r.bench.target} | "
                     f"{'yes' if r.met else 'NO'} |")
    return "\n".join(rows)


def _t(s: float) -> str:
    return f"{s * 1e3:.2f} ms" if s < 1 else f"{s:.2f} s"
