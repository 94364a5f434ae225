"""Figures of one load run and the markdown table that reports them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from bench.load.student import StudentResult


@dataclass
class Memory:
    before: float | None  # MB, server idle after one warm-up visit per page
    loaded: float | None  # MB, all sessions still open at the end of the run
    after: float | None  # MB, some seconds after every session closed


@dataclass
class LoadRun:
    target: str  # "direct" or "nginx (2 replicas)"
    n: int
    seconds: float
    results: list[StudentResult]
    memory: Memory
    client_cpu_s: float
    warm_up: list[str] = field(default_factory=list)  # problems of the first visit of each page


def pct(xs: list[float], q: float) -> str:
    return f"{np.percentile(xs, q):.2f}" if xs else "–"


def mb(x: float | None) -> str:
    return f"{x:.0f}" if x is not None else "n/a"


HEADER = ("| target | N | page | moves | median s | p95 s | max s | superseded | open p95 s | errors "
          "| RSS before MB | RSS loaded MB | RSS after close MB | MB / session |")


def _row(run: LoadRun, page: str, rs: list[StudentResult], mem: tuple[str, ...]) -> str:
    lat = [x for r in rs for x in r.latencies]
    opens = [r.open_s for r in rs if r.open_s is not None]
    cells = [run.target, str(run.n), page or "/", str(sum(r.changes for r in rs)), pct(lat, 50), pct(lat, 95),
             f"{max(lat):.2f}" if lat else "–", str(sum(r.superseded for r in rs)), pct(opens, 95),
             str(sum(len(r.errors) for r in rs)), *mem]
    return "| " + " | ".join(cells) + " |"


def rows(run: LoadRun) -> list[str]:
    """One row per page, plus an 'all' row carrying the memory figures when sessions spread over pages."""
    pages = sorted({r.page for r in run.results})
    groups = [(p, [r for r in run.results if r.page == p]) for p in pages]
    if len(pages) > 1:
        groups.append(("all", run.results))
    m = run.memory
    per = (m.loaded - m.before) / run.n if m.loaded is not None and m.before is not None else None
    mem = (mb(m.before), mb(m.loaded), mb(m.after), f"{per:.1f}" if per is not None else "n/a")
    return [_row(run, page, rs, mem if i == len(groups) - 1 else ("",) * 4) for i, (page, rs) in enumerate(groups)]


def table(runs: list[LoadRun]) -> str:
    """The markdown table of every run, then the distinct error messages (if any)."""
    lines = [HEADER, rule(HEADER)]
    for run in runs:
        lines += rows(run)
    errors = Counter(e for run in runs for r in run.results for e in r.errors)
    errors.update(f"{run.target}: {e}" for run in runs for e in run.warm_up)
    return "\n".join(lines + error_list(errors))


def rule(header: str) -> str:
    """The markdown separator line under ``header``."""
    return "|" + "---|" * (header.count("|") - 1)


def error_list(errors: Counter, top: int = 10) -> list[str]:
    """The ``top`` most frequent distinct errors as markdown lines (none: no lines)."""
    return ["", "Errors:"] + [f"- {n} × {e}" for e, n in errors.most_common(top)] if errors else []
