"""The main slider's charts answer in the browser: on a tick each chart drawn ahead (views.ui.charts.Ahead) changes
before the rerun's first element arrives, and the rerun, bringing the same figure, does not draw it again."""

import pytest

from bench.browser.tab import Run, Tab
from tests.browser.conftest import exception_blocks
from tests.test_ahead import AHEAD
from views import PAGES

pytestmark = pytest.mark.browser
TALL = {"width": 1440, "height": 3600}  # every chart a slider drives in view (a chart out of view is drawn later)
COUNT = """keys => { window.__reacts = []; const P = window.Plotly, orig = P.react;
  P.react = function (div, ...a) { if (div.dataset && keys.includes(div.dataset.key))
    window.__reacts.push([div.dataset.key, performance.now()]); return orig.call(this, div, ...a); }; }"""


@pytest.mark.parametrize("script", list(AHEAD))
def test_a_tick_redraws_its_charts_before_the_round_trip_and_once(browser, app_url, script):
    slider, keys, start = AHEAD[script]
    path = next(p.url_path for p in PAGES if p.script == script)
    t = Tab(Run(app_url, "", browser), viewport=TALL)
    try:
        t.open(f"{app_url}/{path}?{slider}={start}", charts=len(keys))
        page = t.page
        # A view whose neighbours come from background jobs (why-bn) has them once its progress bars are gone.
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stProgress\"]')", timeout=300_000)
        t.idle()
        page.evaluate(COUNT, list(keys))
        sent = t.ws_count()
        page.locator(f'.st-key-{slider} input[type="range"]').focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("n => window.__reacts.length >= n", arg=len(keys), timeout=30_000)
        t.idle()
        page.wait_for_timeout(500)
        reacts = page.evaluate("() => window.__reacts")
        answered = page.evaluate("keys => keys.map(k => document.querySelector(`div.nl-live[data-key='${k}']`)"
                                 ".aheadAt)", list(keys))
        msgs = t.ws(sent)
        first_delta = min(m["t"] for m in msgs if m["kind"] == "delta")
        assert sorted(k for k, _ in reacts) == sorted(keys), reacts  # each drawn once: the rerun's copy was not
        # Every chart had its new figure before the server's first element came; the first one on screen was drawn
        # by then too (the others follow a frame or two apart: one chart per frame).
        assert all(a is not None and a < first_delta for a in answered), (answered, first_delta)
        assert min(at for _, at in reacts) < first_delta, (reacts, first_delta)
        assert exception_blocks(page) == []
    finally:
        t.close()
