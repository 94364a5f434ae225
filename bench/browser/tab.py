"""One instrumented Chromium tab (probe.js injected, CDP metrics on) and the servers + browser of a run."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.load import server
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, wait_for_app

PROBE = Path(__file__).with_name("probe.js")
FLOOR = "bench/browser/floor_app.py"
# Top-level protobuf field number -> message type (hash and metadata are not types).
IN_TYPES = {f.number: f.name for f in ForwardMsg.DESCRIPTOR.fields if f.name not in ("hash", "metadata")}
OUT_TYPES = {f.number: f.name for f in BackMsg.DESCRIPTOR.fields}
EXCEPTION = "document.querySelector('[data-testid=\"stException\"]')"
IDLE = ("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-testid=\"stSkeleton\"]')")


class Failed(Exception):
    """A row that could not be measured, with the reason a reader can act on."""


@dataclass(frozen=True)
class Run:
    """The two servers and the browser of one benchmark run."""

    app: str  # base URL of normlab ("" when not started)
    floor: str  # base URL of the floor app
    browser: object  # playwright Browser


@contextlib.contextmanager
def launched(app: bool = True) -> Iterator[Run]:
    """normlab (unless app=False) and the floor app on free ports, side by side, and one headless Debian Chromium."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} not found: install Debian's chromium (make test does it as root)")
    ours = server.direct() if app else contextlib.nullcontext(("", []))
    with ours as (app_url, _), server.direct(FLOOR) as (floor, _), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield Run(app_url, floor, browser)
        finally:
            browser.close()


def kind(msg: dict) -> str:
    """The type of a recorded websocket message: 'delta', 'script_finished', 'rerun_script', ..."""
    types = IN_TYPES if msg["dir"] == "in" else OUT_TYPES
    return next((types[f] for f in msg["f"] if f in types), msg["dir"])


class Tab:
    """A fresh browser context (its own Streamlit session) with the probe and CDP Performance metrics."""

    def __init__(self, run: Run, viewport: dict | None = None):
        self.context = run.browser.new_context(viewport=viewport or VIEWPORT)
        self.context.add_init_script(path=str(PROBE))
        self.page = self.context.new_page()
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Performance.enable")

    def open(self, url: str, charts: int = 1, timeout: float = 120_000) -> None:
        """Go to url and wait until `charts` charts are drawn and Streamlit is idle (Failed on an exception)."""
        self.page.goto(url)
        self.page.wait_for_function(f"n => {EXCEPTION} || document.querySelectorAll('.js-plotly-plot .main-svg')"
                                    ".length >= n", arg=charts, timeout=timeout)
        self.check()
        wait_for_app(self.page, charts=charts, timeout=timeout)

    def check(self) -> None:
        """Raise Failed with the first lines of any exception Streamlit shows on the page."""
        blocks = self.page.locator('[data-testid="stException"]').all_inner_texts()
        if blocks:
            raise Failed("the page shows an exception: " + " / ".join(blocks[0].splitlines()[:2])[:200])

    def idle(self, timeout: float = 60_000) -> None:
        """Wait until no script runs and no skeleton shows (twice, 150 ms apart)."""
        for _ in range(2):
            self.page.wait_for_function(IDLE, timeout=timeout)
            self.page.wait_for_timeout(150)

    def metrics(self) -> dict[str, float]:
        """Chrome's cumulative counters: TaskDuration, ScriptDuration, LayoutDuration, RecalcStyleDuration (s)."""
        return {m["name"]: m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"]}

    def ws(self, start: int = 0) -> list[dict]:
        """Websocket messages recorded since index `start`: {t (ms, page clock), dir, bytes, kind}."""
        msgs = self.page.evaluate("i => window.__nlab.ws.slice(i)", start)
        return [dict(m, kind=kind(m)) for m in msgs]

    def ws_count(self) -> int:
        return self.page.evaluate("() => window.__nlab.ws.length")

    def figures(self) -> list[dict]:
        """What each chart on the page is made of (probe.js W.figures)."""
        return self.page.evaluate("() => window.__nlab.figures()")

    def close(self) -> None:
        self.context.close()
