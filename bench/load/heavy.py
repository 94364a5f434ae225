"""The heaviest links the app accepts, and one visit of a link timed as a careless student (or attacker) meets it.

A visit opens the link (and presses its button, if it names one), then times the *answer*: the end of the first
run, whatever it shows (the result, a progress bar of a background job, or a refusal). If a progress bar is left
on screen it keeps the tab open until a run draws the result (or the wait ends), as a student would.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote_plus

from bench.load.run import Run
from bench.load.session import Session
from bench.load.widgets import url_value
from core.optim.registry import OPTIMIZERS

ALL_OPTIMIZERS = "&".join(f"opt={quote_plus(o.title)}" for o in OPTIMIZERS.values())
NOISY_RACE = f"{ALL_OPTIMIZERS}&steps=5000&nz_sigma=0.5&nz_paths=16"  # issue #15: ~127 MB kept per seed


@dataclass(frozen=True)
class Link:
    """A shared link: page, query, and optionally a button to press on it (inside ``tab``, opened by the link)."""

    title: str
    page: str
    query: str
    click: str | None = None
    tab: str | None = None

    def __str__(self) -> str:
        return f"/{self.page}?{self.query}" + (f" + {self.click!r}" if self.click else "")


HEAVY = (
    Link("deepest, widest CNN pair (live training)", "histograms", "arch=small+CNN&depth=20&width=512"),
    Link("13 optimizers, 5000 steps, 16 noisy paths, animated race", "optimizers", f"{NOISY_RACE}&otab=Race&race=true"),
    Link("64 x 64 sweep of a 5000-step race", "optimizers", f"{ALL_OPTIMIZERS}&steps=5000&otab=Sweep&sweep_on=true"),
    Link("batch-size experiment, depth 20, width 512, 1000 steps", "histograms",
         "depth=20&width=512&bs_steps=1000&htab=Batch-size+experiment", click="Run experiment",
         tab="Batch-size experiment"),
    Link("12-member ensemble, 1000 examples, width 256, 60 epochs", "dynamics",
         "dtab=Ensembles&ens_k=12&ens_n=1000&ens_w=256&ens_ep=60"),
    Link("dropout curves, 1000 examples, 150 epochs", "dynamics",
         "dtab=Dropout+%26+early+stopping&do_n=1000&do_ep=150"),
)


def distinct(i: int) -> Link:
    """The ``i``-th of the distinct heavy optimizer links: the noisy 13-optimizer race with seed 1000 + i."""
    return Link(f"noisy race, seed {1000 + i}", "optimizers", f"{NOISY_RACE}&seed={1000 + i}")


@dataclass
class Visit:
    """What one visit of a link measured."""

    link: Link
    answer_s: float | None = None  # link opened (or button pressed) -> end of the first run
    answer: str = ""  # what that run showed: "chart", "progress", "no chart", + its first warning or error
    result_s: float | None = None  # -> the first run that shows the outcome without a progress bar
    dropped: list[str] = field(default_factory=list)  # link settings the page did not take (see dropped())
    errors: list[str] = field(default_factory=list)


def describe(run: Run) -> str:
    """What a student reads in ``run``: a progress bar or charts (or neither), then its first warning or error."""
    loud = [a for a in run.alerts if a.startswith(("error", "warning"))]
    seen = "progress" if run.shows_progress else "chart" if run.draws_charts else "no chart"
    return seen + (f" + {loud[0][:80]}" if loud else "")


def dropped(s: Session, query: str) -> list[str]:
    """Settings of ``query`` the open page does not show as given (refused, clamped, or no such control).

    A link in HEAVY that loses a setting is no longer the heaviest the app accepts: the table says so.
    """
    bound = {getattr(w.proto, "query_param_key", ""): w for w in s.widgets.values()}
    out = []
    for key, values in parse_qs(query).items():
        w = bound.get(key)
        if w is None:
            if key not in s.tabs:
                out.append(f"{key}: no such control")
            continue
        shown = url_value(w, w.value)
        shown = shown if isinstance(shown, list) else [shown]
        if sorted(shown) != sorted(values):
            out.append(f"{key}={','.join(values)} shows {','.join(str(x) for x in shown)}")
    return out


def _outcome(run: Run) -> bool:
    return run.finished is not None and not run.shows_progress and (run.draws_charts or bool(run.alerts))


async def _open(url: str, page: str, query: str, timeout: float) -> tuple[Session, float, Run]:
    """A tab open on ``/page?query`` and its first run (closed again if that run does not come)."""
    s, t0 = Session(url, page, query), time.monotonic()
    try:
        return s, t0, await s.open(timeout=timeout)
    except BaseException:
        await s.close()
        raise


async def _open_link(url: str, link: Link, timeout: float) -> tuple[Session, float, Run]:
    """Open ``link``; if its button lives in a tab the link did not open, reopen it with that tab in the query.

    Put the tab in ``link.query`` when its key is known: the first open costs the server the default tab's run.
    """
    s, t0, run = await _open(url, link.page, link.query, timeout)
    if link.click and link.click not in s.buttons and link.tab:
        key = next((k for k, labels in s.tabs.items() if link.tab in labels), None)
        if key:
            await s.close()
            s, t0, run = await _open(url, link.page, f"{link.query}&{key}={quote_plus(link.tab)}", timeout)
    return s, t0, run


async def visit(url: str, link: Link, timeout: float = 120, result_timeout: float = 120) -> Visit:
    """Open ``link`` (press its button), time the answer, wait for the outcome; the tab is closed at the end."""
    v = Visit(link)
    s = None
    try:
        s, t0, run = await _open_link(url, link, timeout)
        if link.click and link.click in s.buttons:  # no button: the page refused the setting (its answer below)
            n = len(s.runs)
            t0 = await s.click(link.click)
            run = await s.wait_run(lambda r: not r.fragment, after=n, timeout=timeout)
        v.answer_s, v.answer = run.finished - t0, describe(run)
        if _outcome(run):
            v.result_s = v.answer_s
        else:
            done = await s.wait_run(_outcome, after=s.runs.index(run) + 1, timeout=result_timeout)
            v.result_s = done.finished - t0
        v.dropped = dropped(s, link.query)  # once the result is drawn: a progress bar stands where its controls go
    except TimeoutError:
        v.errors.append(f"no {'answer' if v.answer_s is None else 'result'} within the wait")
    except Exception as exc:  # a failed visit is a reported error, not the end of the scenario
        v.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        if s is not None:
            v.errors += [f"exception: {e}" for r in s.runs for e in r.exceptions] + s.protocol_errors
            await s.close()
    return v
