"""Two students on one server never see each other's settings, charts or live state.

Real websocket sessions (bench/load/session.py speaks the browser's protocol) on one `streamlit run app.py`:
module globals, caches and threads are shared exactly as in class. Active once the page is registered.
"""

from __future__ import annotations

import asyncio

import pytest

from bench.load import server
from bench.load.session import Run, Session
from bench.load.student import _link_value, next_value
from bench.load.widgets import url_value
from tests.apptest import run_async
from views import PAGES

LIVE_WORDS = ("histogram", "activation", "live")  # the live-training page, whatever its final url_path


def _spec(kind: str):
    if kind == "optimizers":
        found = [p for p in PAGES if p.url_path.startswith("optimizer")]
    else:
        found = [p for p in PAGES if any(w in (p.url_path + p.title).lower() for w in LIVE_WORDS)]
    if not found:
        pytest.skip(f"the {kind} page is not registered in pages.PAGES yet")
    if not found[0].main_control:
        pytest.fail(f"{found[0].url_path} has no main_control to move")
    return found[0]


@pytest.fixture(scope="module")
def app_url():
    with server.direct() as (url, _):
        yield url


async def _full_run(s: Session, send) -> Run:
    n = len(s.runs)
    await send()
    return await s.wait_run(lambda r: r.ok and not r.fragment, after=n, timeout=120)


async def _move(s: Session, label: str, steps: int, direction: int) -> Run:
    """Move the control `steps` times (a control a fragment drew reruns that fragment alone, as in a browser), then
    the full run a rerun gives: its share link says what the session's settings are."""
    for _ in range(steps):
        w = s.widget(label)
        value, direction = next_value(w, direction)
        n = len(s.runs)
        await s.set_value(w, value)
        await s.wait_run(lambda r: r.ok, after=n, timeout=120)
    return await _full_run(s, s.rerun)


def _shown(s: Session, run: Run, label: str) -> list[str]:
    w = s.widget(label)
    return _link_value(run, w.proto.query_param_key) or []


async def _two_students(url: str, page: str, label: str, live: bool) -> None:
    a, b = Session(url, page), Session(url, page)
    try:
        ra0, rb0 = await a.open(timeout=180), await b.open(timeout=180)
        assert ra0.first_chart == rb0.first_chart, "same link, same seed: both students start from the same chart"
        default = url_value(b.widget(label), b.widget(label).value)

        ra1 = await _move(a, label, 2, +1)  # A explores ...
        if live:
            await asyncio.sleep(3)  # ... while both live loops keep ticking
        rb1 = await _full_run(b, b.rerun)  # ... and B, untouched, reruns
        assert url_value(b.widget(label), b.widget(label).value) == default, "B's control moved by itself"
        assert _shown(b, rb1, label) == [], f"B's link carries A's setting: {rb1.codes}"
        assert _shown(a, ra1, label) != [], "A's link lost A's own setting"
        if not live:  # a live chart keeps changing by design; a static one must be B's own, unchanged
            assert rb1.first_chart == rb0.first_chart, "B's chart changed when A moved A's control"
            assert ra1.first_chart != rb1.first_chart

        rb2 = await _move(b, label, 1, -1)  # now B moves the other way; A's view must not follow
        ra2 = await _full_run(a, a.rerun)
        assert _shown(a, ra2, label) == _shown(a, ra1, label)
        assert _shown(b, rb2, label) != _shown(a, ra2, label)
        if not live:
            assert ra2.first_chart == ra1.first_chart, "A's chart changed when B moved B's control"
        for s in (a, b):
            assert s.protocol_errors == []
            assert [e for r in s.runs for e in r.exceptions + r.errors] == []
    finally:
        await a.close()
        await b.close()


@pytest.mark.timeout(600)
@pytest.mark.parametrize("kind", ["optimizers", "live training"])
def test_two_students_never_share_state(request, kind):
    spec = _spec(kind)  # before the server starts: skipping costs nothing
    url = request.getfixturevalue("app_url")
    run_async(_two_students(url, spec.url_path, spec.main_control, live=kind != "optimizers"))
