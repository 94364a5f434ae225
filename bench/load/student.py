"""One simulated student: open a page, move its main control once per period, time each chart update."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from bench.load.session import Run, Session
from bench.load.widgets import Widget, default_value, url_value


@dataclass
class Change:
    sent: float
    url: list[str]  # the control's value as the URL writes it
    first_run: int  # runs before this index started before the change was sent
    chart_before: str | None
    value_before: list[str]  # the control value the displayed chart was drawn for


@dataclass
class StudentResult:
    page: str
    open_s: float | None = None
    latencies: list[float] = field(default_factory=list)  # change sent -> run with the new chart finished
    changes: int = 0
    superseded: int = 0  # a later move arrived first; the chart shown was at least as new
    timeouts: int = 0  # moves without a new chart within the timeout (also counted in errors)
    errors: list[str] = field(default_factory=list)


def next_value(w: Widget, direction: int):
    """One keyboard step of a slider or number input in ``direction`` (+1/-1), bouncing at the ends."""
    p = w.proto
    if w.is_select_slider:
        options, i = list(p.options), list(p.options).index(w.value[0])
        if not 0 <= i + direction < len(options):
            direction = -direction
        return [options[i + direction]], direction
    scalar = w.kind == "number_input"
    lo, hi = (p.min if not scalar or p.has_min else -math.inf), (p.max if not scalar or p.has_max else math.inf)
    now = w.value if scalar else w.value[0]
    x = now + direction * p.step
    if not lo <= x <= hi:
        direction = -direction
        x = now + direction * p.step
    x = round(x, 12)
    return (x if scalar else [x]), direction


def _link_value(run: Run, key: str) -> list[str] | None:
    """The control's value in the run's share link (None when the page shows no link)."""
    for text in run.codes:
        if text.startswith("http"):
            query = text.rsplit("?", 1)[1] if "?" in text else ""
            return parse_qs(query).get(key, [])
    return None


class Student:
    """Drives one Session; keeps the changes not yet answered by a chart."""

    def __init__(self, base_url: str, page: str, control: str, direction: int = 1, timeout: float = 30):
        self.session = Session(base_url, page)
        self.result = StudentResult(page)
        self.control, self.direction, self.timeout = control, direction, timeout
        self.pending: list[Change] = []
        self.chart: str | None = None
        self.chart_value: list[str] = []
        self.checked = 0  # runs already inspected
        self.failed = False

    async def start(self) -> None:
        """Open the page (failures are recorded, never raised)."""
        try:
            await self._open()
        except Exception as exc:  # one student's failure is a counted error, not the end of the test
            self.result.errors.append(f"open {self.result.page}: {type(exc).__name__}: {exc}")
            self.failed = True

    async def drive(self, seconds: float, period: float, keep_going: Callable[[], bool] | None = None) -> None:
        """Move the control every ``period`` s for ``seconds`` (and on while ``keep_going()``), then wait for the
        last charts."""
        if self.failed:
            return
        try:
            await self._drive(seconds, period, keep_going or (lambda: False))
        except Exception as exc:  # counted, see start()
            self.result.errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            self._inspect()

    async def finish(self) -> StudentResult:
        """Close the tab and return what it measured."""
        self.result.errors.extend(self.session.protocol_errors)
        await self.session.close()
        return self.result

    async def _open(self) -> None:
        t0 = time.monotonic()
        run = await self.session.open(timeout=max(self.timeout, 120))
        self.result.open_s = run.finished - t0
        self.chart = run.first_chart
        w = self.session.widget(self.control)  # fail early and clearly when the control is missing
        self.chart_value = _as_list(url_value(w, w.value))

    async def _drive(self, seconds: float, period: float, keep_going: Callable[[], bool]) -> None:
        end = time.monotonic() + seconds
        tick = time.monotonic()
        while tick + period <= end or keep_going():
            tick += period
            await asyncio.sleep(max(0.0, tick - time.monotonic()))
            self._inspect()
            w = self.session.widget(self.control)
            value, self.direction = next_value(w, self.direction)
            first_run = len(self.session.runs)
            sent = await self.session.set_value(w, value)
            self.pending.append(Change(sent, _as_list(url_value(w, value)), first_run, self.chart, self.chart_value))
            self.result.changes += 1
        await self._drain()

    async def _drain(self) -> None:
        deadline = time.monotonic() + self.timeout
        while self.pending and time.monotonic() < deadline and not self.session.protocol_errors:
            await asyncio.sleep(0.05)
            self._inspect()
        self.result.timeouts += len(self.pending)
        self.result.errors += [self._unanswered(c) for c in self.pending]
        self.pending.clear()

    def _unanswered(self, c: Change) -> str:
        """The error for a move no run answered, with what came after it (to tell a lost move from a miscount)."""
        after = self.session.runs[c.first_run:]
        seen = ", ".join(f"{'fragment' if r.fragment else 'page'} {'unfinished' if r.finished is None else r.status}"
                         f"{'' if r.first_chart is None else ' chart'}" for r in after[:6]) or "none"
        return (f"no updated chart within {self.timeout:.0f} s of a move ({self.result.page}: {self.control!r} "
                f"{c.value_before} -> {c.url}; runs after it: {seen}{' ...' if len(after) > 6 else ''})")

    def _inspect(self) -> None:
        """Match finished full runs to pending changes, oldest first; count exceptions and st.error."""
        runs = self.session.runs
        # A run that a newer one replaced may never get its script_finished message (fast reruns stop it
        # mid-way); it must not hold up the runs after it, which would turn every later move into a timeout.
        while self.checked < len(runs) and (runs[self.checked].finished is not None or self.checked + 1 < len(runs)):
            i, run = self.checked, runs[self.checked]
            self.checked += 1
            if run.finished is None:
                continue
            self.result.errors.extend(f"exception: {e}" for e in run.exceptions)
            self.result.errors.extend(f"st.error: {e[:120]}" for e in run.errors)
            # A fragment run answers a move only if it reran the moved control's fragment (a slider inside one
            # reruns just that, as in a browser); other fragments' timers (a job's progress) answer nothing.
            mover = self.session.widget(self.control).fragment_id
            if not run.ok or (run.fragment and mover not in run.fragment_ids):
                continue
            self._answer(i, run)

    def _answer(self, index: int, run: Run) -> None:
        w = self.session.widget(self.control)
        key = getattr(w.proto, "query_param_key", "")
        shown = _link_value(run, key) if key else None
        if shown == []:
            shown = _as_list(url_value(w, default_value(w.kind, w.proto)))
        # A fragment run that waited for its turn draws the values of every move its session sent until it started
        # drawing (views/ui/server.py superseded): those moves are answered by it, not by a later run.
        drawn_from = run.first_delta if run.fragment and run.first_delta is not None else None
        answered = [c for c in self.pending if c.first_run <= index or (drawn_from is not None and c.sent < drawn_from)]
        if shown is not None:  # keep only moves whose value (or a later move's) this run shows
            later = [j for j, c in enumerate(answered) if c.url == shown]
            answered = answered[: later[-1] + 1] if later else []
        value = shown if shown is not None else (answered[-1].url if answered else self.chart_value)
        if answered:
            self.result.superseded += len(answered) - 1
            for c in answered:
                self.result.latencies.append(run.finished - c.sent)
                self.pending.remove(c)
            last = answered[-1]
            if run.first_chart is not None and run.first_chart == last.chart_before and value != last.value_before:
                self.result.errors.append(f"chart did not change after moving {self.control!r} to {value}")
        self.chart, self.chart_value = run.first_chart, value


def _as_list(v) -> list[str]:
    return v if isinstance(v, list) else ([] if v is None else [v])
