"""The main slider's charts answer in the browser: on a tick each chart drawn ahead (views.ui.charts.Ahead) changes
before the rerun's first element arrives, and the rerun, bringing the same figure, does not draw it again."""

import pytest

from bench.browser.tab import Run, Tab
from tests.browser.conftest import exception_blocks
from tests.test_ahead import AHEAD
from views import PAGES

pytestmark = pytest.mark.browser
COUNT = """keys => { window.__reacts = []; const P = window.Plotly, orig = P.react;
  P.react = function (div, ...a) { if (div.dataset && keys.includes(div.dataset.key))
    window.__reacts.push([div.dataset.key, performance.now()]); return orig.call(this, div, ...a); }; }"""


@pytest.mark.parametrize("script", list(AHEAD))
def test_a_tick_redraws_its_charts_before_the_round_trip_and_once(browser, app_url, script):
    slider, keys, start = AHEAD[script]
    path = next(p.url_path for p in PAGES if p.script == script)
    t = Tab(Run(app_url, "", browser))
    try:
        t.open(f"{app_url}/{path}?{slider}={start}", charts=len(keys))
        t.idle()
        page = t.page
        page.evaluate(COUNT, list(keys))
        sent = t.ws_count()
        page.locator(f'.st-key-{slider} input[type="range"]').focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("n => window.__reacts.length >= n", arg=len(keys), timeout=30_000)
        t.idle()
        page.wait_for_timeout(500)
        reacts = page.evaluate("() => window.__reacts")
        msgs = t.ws(sent)
        first_delta = min(m["t"] for m in msgs if m["kind"] == "delta")
        assert sorted(k for k, _ in reacts) == sorted(keys), reacts  # each drawn once: the rerun's copy was not
        assert all(at < first_delta for _, at in reacts), (reacts, first_delta)
        assert exception_blocks(page) == []
    finally:
        t.close()
