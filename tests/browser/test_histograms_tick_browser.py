"""A Depth tick on the activation-histogram page reruns only the Depth fragment (views/histograms/depth.py): few
elements sent, every chart updated in place and none left behind, also while playing and on the batch-size tab."""

import pytest

from bench.browser.tab import PROBE
from tests.browser.conftest import exception_blocks, move_slider, wait_for_app
from tests.browser.test_activations_browser import tick_deltas

pytestmark = pytest.mark.browser
# A run of the whole page sends ~79 elements (sidebar, four tabs' controls, the live view); a Depth tick ~31.
FRAGMENT_DELTAS = 40
_PLOTS = "() => [...document.querySelectorAll('.js-plotly-plot')]"
_FIRST = "() => JSON.stringify(document.querySelector('.js-plotly-plot').data)"


def _step_lines(page) -> list[str]:
    """The "Step N · test accuracy" lines on the page (one per live view drawn)."""
    return page.evaluate("() => [...document.querySelectorAll('.stMarkdown, p.nl-caption')].map(e => e.innerText)"
                         ".filter(t => /^Step \\d+ · test accuracy/.test(t))")


def _settled(page) -> None:
    """Wait until the number of plotly charts has not changed for 1 s: a live chart becomes one when plotly.js is
    there, which on a loaded machine can be after the run is over (the suite once captured the charts one short)."""
    page.wait_for_function("""() => { const n = document.querySelectorAll('.js-plotly-plot').length;
      if (window.__nPlots !== n) { window.__nPlots = n; window.__nSince = performance.now(); return false; }
      return performance.now() - window.__nSince > 1000; }""", polling=200, timeout=60_000)


def test_a_depth_tick_resends_the_live_view_only_and_updates_its_charts_in_place(page, app_url):
    page.add_init_script(path=str(PROBE))  # records the websocket's messages
    page.goto(f"{app_url}/histograms")
    wait_for_app(page, charts=6, timeout=180_000)
    _settled(page)
    page.evaluate(f"() => {{ window.__charts = ({_PLOTS})(); }}")
    start, before = page.evaluate("() => window.__nlab.ws.length"), page.evaluate(_FIRST)
    move_slider(page, "Depth")
    page.wait_for_function(f"old => ({_FIRST})() !== old", arg=before, timeout=60_000)
    wait_for_app(page, charts=6)
    _settled(page)
    assert tick_deltas(page, start) < FRAGMENT_DELTAS
    # The same plot nodes with the new net's data, and no stale copy of the view left below it.
    assert page.evaluate(f"() => {{ const now = ({_PLOTS})(); return now.length === window.__charts.length"
                         " && now.every((g, i) => g === window.__charts[i]); }")
    assert page.evaluate("() => document.querySelector('.js-plotly-plot').data.length") == 2
    assert "layer 4" in page.evaluate("() => JSON.stringify(document.querySelector('.js-plotly-plot').layout)")
    assert len(_step_lines(page)) == 1 and _step_lines(page)[0].startswith("Step 0 ")
    assert "depth=4" in page.url  # the setting lives in the link
    assert exception_blocks(page) == []


def test_a_depth_tick_while_playing_restarts_paused_and_play_goes_on(page, app_url):
    page.goto(f"{app_url}/histograms")
    wait_for_app(page, charts=6, timeout=180_000)
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("() => /Step [1-9]\\d*/.test(document.body.innerText)", timeout=60_000)
    move_slider(page, "Depth", key="ArrowLeft")  # 3 -> 2: a new pair, shown at step 0, paused
    page.wait_for_function("() => /Step 0 /.test(document.body.innerText)", timeout=60_000)
    wait_for_app(page, charts=6)
    buttons = page.get_by_role("button")
    assert buttons.filter(has_text="Play").count() == 1 and buttons.filter(has_text="Pause").count() == 0
    assert len(_step_lines(page)) == 1  # the playing view was replaced, not kept beside it
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("() => /Step [1-9]\\d*/.test(document.body.innerText)", timeout=60_000)
    page.get_by_role("button", name="Pause").click()
    assert exception_blocks(page) == []


def test_a_depth_tick_on_the_batch_size_tab_redraws_its_body_once(page, app_url):
    page.goto(f"{app_url}/histograms?htab=Batch-size+experiment&bs_net=sidebar%27s+network&data=moons&width=8")
    page.get_by_role("button", name="Run experiment").wait_for(timeout=180_000)
    wait_for_app(page)
    move_slider(page, "Depth")
    page.wait_for_function("() => /depth=4/.test(location.href)", timeout=60_000)
    wait_for_app(page)
    assert page.get_by_role("button", name="Run experiment").count() == 1
    assert page.get_by_role("button", name="Play").count() == 0  # the live tab stays closed (not built)
    assert exception_blocks(page) == []
