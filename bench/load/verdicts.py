"""Markdown tables of the adversary and lecture scenarios, each row checked against issue #15's targets."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

from bench.load.report import error_list, mb, pct, rule

if TYPE_CHECKING:
    from bench.load.adversary import AdversaryRun
    from bench.load.heavy import Visit
    from bench.load.lecture import LectureRun
    from bench.load.student import StudentResult

ANSWER_S = 5.0  # a heavy link answers (result, progress or refusal) within this
# RSS growth over the class's own allowed at every checkpoint of distinct links (25, 100): a plateau under it, not a
# slope. Between checkpoints the shared caches may still fill up to their byte budgets (views/ui/cache.py).
GROWTH_MB = 300.0
MIN_RATE, MAX_LATENCY = 2.0, 1.0  # lecture: chart updates per second per tab, p95 update latency (s)


def _yes(ok: bool) -> str:
    return "yes" if ok else "**NO**"


def class_p95(results: list[StudentResult], timeout: float) -> float | None:
    """p95 move -> chart over every move; a move that timed out counts as ``timeout`` (a lower bound)."""
    lat = [x for r in results for x in r.latencies] + [timeout] * sum(r.timeouts for r in results)
    return float(np.percentile(lat, 95)) if lat else None


CLASS = "| target | N | phase | moves | median s | p95 s | max s | timed out | errors | p95 target |"
LINKS = "| tab | link | answer s | what it showed | result s | errors | answer ≤ 5 s |"
MEMORY = ("| target | RSS before MB | after links (MB) | peak MB | after close MB | growth at first checkpoint MB "
          "| first → last MB | ≤ 300 MB at every checkpoint |")
LECTURE = ("| target | N | tabs updating | updates/s min | updates/s median | p95 latency s | longest gap s "
           "| errors | open p95 s | RSS before → loaded → after MB | ≥ 2/s, p95 ≤ 1 s, 0 errors |")


def _class_row(run: AdversaryRun, phase: str, rs: list[StudentResult], target: str) -> str:
    lat = [x for r in rs for x in r.latencies]
    p95 = class_p95(rs, run.timeout)
    cells = [run.target, str(run.n), phase, str(sum(r.changes for r in rs)), pct(lat, 50),
             "–" if p95 is None else f"{p95:.2f}", f"{max(lat):.2f}" if lat else "–",
             str(sum(r.timeouts for r in rs)), str(sum(len(r.errors) for r in rs)), target]
    return "| " + " | ".join(cells) + " |"


def _visit_row(tab: str, v: Visit) -> str:
    answer = "–" if v.answer_s is None else f"{v.answer_s:.2f}"
    result = "–" if v.result_s is None else f"{v.result_s:.2f}"
    shown = v.answer.replace("|", "\\|").replace("\n", " ")
    ok = v.answer_s is not None and v.answer_s <= ANSWER_S
    return f"| {tab} | {v.link.title} | {answer} | {shown} | {result} | {len(v.errors)} | {_yes(ok)} |"


def _distinct_row(vs: list[Visit]) -> str:
    answers = [v.answer_s for v in vs if v.answer_s is not None]
    results = [v.result_s for v in vs if v.result_s is not None]
    kinds = Counter(v.answer[:50] for v in vs)
    shown = ", ".join(f"{n} × {k}" for k, n in kinds.most_common(3)).replace("|", "\\|")
    ok = len(answers) == len(vs) and max(answers, default=0) <= ANSWER_S
    cells = ["B", f"{len(vs)} distinct links like {vs[0].link.title} (answer median / p95 / max)",
             f"{pct(answers, 50)} / {pct(answers, 95)} / {max(answers):.2f}" if answers else "–", shown,
             f"p95 {pct(results, 95)}", str(sum(len(v.errors) for v in vs)), _yes(ok)]
    return "| " + " | ".join(cells) + " |"


def _memory_row(run: AdversaryRun) -> str:
    done = sorted(run.rss_at)
    at = ", ".join(f"{k}: {mb(run.rss_at[k])}" for k in done) or "–"
    known = [run.rss_at[k] for k in done if run.rss_at[k] is not None]
    growth = known[0] - run.rss_before if known and run.rss_before is not None else None
    flat = known[-1] - known[0] if len(known) > 1 else None
    ok = growth is not None and max(known) - run.rss_before <= GROWTH_MB
    cells = [run.target, mb(run.rss_before), at, mb(run.rss_peak), mb(run.rss_after),
             "n/a" if growth is None else f"{growth:+.0f}", "n/a" if flat is None else f"{flat:+.0f}", _yes(ok)]
    return "| " + " | ".join(cells) + " |"


def adversary_table(runs: list[AdversaryRun]) -> str:
    """The class quiet vs under attack, every heavy visit, and the servers' memory."""
    lines = [CLASS, rule(CLASS)]
    for run in runs:
        quiet = class_p95(run.quiet, run.timeout)
        bound = max(2.0, 2 * quiet) if quiet is not None else None
        busy = class_p95(run.busy, run.timeout)
        verdict = "n/a" if bound is None or busy is None else f"≤ {bound:.2f} s: {_yes(busy <= bound)}"
        lines += [_class_row(run, "quiet", run.quiet, "baseline"), _class_row(run, "with adversary", run.busy,
                                                                               verdict)]
    lines += ["", LINKS, rule(LINKS)]
    for run in runs:
        lines += [_visit_row("A", v) for v in run.heavy] + ([_distinct_row(run.distinct)] if run.distinct else [])
    lines += ["", MEMORY, rule(MEMORY)] + [_memory_row(run) for run in runs]
    errors = Counter(e for run in runs for r in run.quiet + run.busy for e in r.errors)
    errors.update(f"{v.link}: {e}" for run in runs for v in run.heavy + run.distinct for e in v.errors)
    errors.update(f"{run.target}: {e}" for run in runs for e in run.warm_up + run.notes)
    dropped = Counter(f"{v.link}: {d}" for run in runs for v in run.heavy + run.distinct for d in v.dropped)
    if dropped:
        lines += ["", "Link settings the app did not take (update bench/load/heavy.py):"]
        lines += [f"- {n} × {d}" for d, n in dropped.most_common(10)]
    return "\n".join(lines + error_list(errors))


def _lecture_row(run: LectureRun) -> str:
    rs = run.results
    rates = [r.rate for r in rs]
    lat = [x for r in rs for x in r.latencies]
    errors = sum(len(r.errors) for r in rs)
    p95 = float(np.percentile(lat, 95)) if lat else None
    ok = bool(rates) and min(rates) >= MIN_RATE and p95 is not None and p95 <= MAX_LATENCY and errors == 0
    cells = [run.target, str(run.n), str(sum(1 for r in rs if r.updates)), f"{min(rates):.2f}" if rates else "–",
             pct(rates, 50), "–" if p95 is None else f"{p95:.2f}",
             f"{max(r.max_gap for r in rs):.2f}" if rs else "–", str(errors),
             pct([r.open_s for r in rs if r.open_s is not None], 95),
             f"{mb(run.rss_before)} → {mb(run.rss_loaded)} → {mb(run.rss_after)}", _yes(ok)]
    return "| " + " | ".join(cells) + " |"


def lecture_table(runs: list[LectureRun]) -> str:
    """One row per lecture run: updates per second, latency, gaps, errors, memory, target met."""
    errors = Counter(e for run in runs for r in run.results for e in r.errors)
    errors.update(f"{run.target}: {e}" for run in runs for e in run.warm_up)
    cpu = "; ".join(f"{run.target} N={run.n}: {run.client_cpu_s:.0f} s" for run in runs)
    return "\n".join([LECTURE, rule(LECTURE), *(_lecture_row(run) for run in runs), "",
                      f"Load client CPU (the same cores as the servers): {cpu}."] + error_list(errors))
