"""AppTest on the real entry point, opened at one page as a link would (paths are made absolute here)."""

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from views import HOME, PAGES
from views.ui.charts import LOADER_NAME

ROOT = Path(__file__).resolve().parents[1]


def open_page(script: str | None = None, timeout: float = 30, query: dict | None = None) -> AppTest:
    """Run app.py showing `script` (e.g. "views/optimizers/page.py") with URL query parameters, like a first visit.

    The page is chosen before the first run, so the query is not dropped by a page switch.
    """
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    if script and script != HOME.script:
        at.switch_page(str(ROOT / script))  # checks that the script exists
        # Before the first run AppTest knows a page by its file name, and every page is a page.py; st.Page hashes
        # its url_path instead, so name the page that way, as a link to /<url_path> does.
        at._page_hash = calc_hash(next(p.url_path for p in PAGES if p.script == script))
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def bidi(el) -> object:
    """The data a run sent a component (``st.components.v2``): live charts send the bytes of their JSON
    (views.ui.payload), other components JSON."""
    return json.loads(el.proto.bytes) if el.proto.WhichOneof("data") == "bytes" else json.loads(el.proto.json or "null")


def run_async(coro):
    """asyncio.run in a fresh thread: Playwright's sync API leaves an event loop running in the main thread."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def chart_specs(at: AppTest) -> list[str]:
    """The JSON of every chart the run drew, in page order: plotly charts and live charts (views.ui.charts.live)
    that carry data (an empty chart that only loads plotly.js is left out)."""
    specs = []
    for el in at.get("plotly_chart") + at.get("bidi_component"):
        if el.type == "plotly_chart":
            spec = el.proto.spec
        else:
            spec = json.dumps(shown(bidi(el))[0] or {})
        if not loader(json.loads(spec)):
            specs.append(spec)
    return specs


def shown(data: dict) -> tuple[dict | None, str | None]:
    """The figure and caption a live chart's data ends on (views.ui.charts.live, or the last frame of a reel)."""
    if data.get("frames"):
        last = data["frames"][-1]
        return last["spec"], last["caption"]
    return data.get("spec"), data.get("caption")


def live_data(at: AppTest, key: str) -> dict | None:
    """The data the run sent live chart ``key`` (views.ui.charts.live): its spec, caption and ``ahead``."""
    for el in at.get("bidi_component"):
        data = bidi(el)
        if isinstance(data, dict) and data.get("key") == key:
            return data
    return None


def captions(at: AppTest) -> list[str]:
    """The lines above the live charts (the frame each ends on), in page order."""
    return [c for e in at.get("bidi_component") if (c := shown(bidi(e))[1])]


def loader(fig: dict) -> bool:
    """Whether a chart's figure is only there to load plotly.js (views.ui.charts.plotly_js): no data, or its one
    invisible trace."""
    data = fig.get("data") or []
    return not data or (len(data) == 1 and data[0].get("name") == LOADER_NAME)


def settle(at: AppTest, timeout: float = 300.0) -> AppTest:
    """Rerun the page (as a background job's poller would) until no job it started is still running.

    Work over the inline budget runs as a job (views.ui.jobs); on a loaded test machine even default settings
    may land there, so a test that reads the outcome waits for it the way the browser does.
    """
    import time

    from views.ui import jobs

    deadline = time.monotonic() + timeout
    waited = False
    while True:
        with jobs._LOCK:
            running = list(jobs._RUNNING.values())
        if not running:
            # A job that finished before the first look still left its progress bar on the page: rerun then too.
            return at.run() if waited or at.get("progress") else at
        assert time.monotonic() < deadline, f"jobs still running after {timeout} s: {[j.key for j in running]}"
        waited = True
        for job in running:  # keep them wanted: nobody polls in AppTest between runs
            job.touch("settle")
        time.sleep(0.2)
