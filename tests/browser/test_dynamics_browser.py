"""Real Chromium: descent paths redraw when the steps move; the learning-rate tab draws its curves and range test,
and its suggestion button moves "Your learning rate"."""

from pathlib import Path

import pytest

from bench.browser.tab import PROBE
from tests.browser.conftest import chart_data, exception_blocks, move_slider, wait_for_app
from tests.browser.test_activations_browser import tick_deltas

DOCS = Path(__file__).resolve().parents[2] / "docs"
# A run of the whole page sends ~85 elements (five tabs' controls, sidebar); the descent tab's fragment ~27.
FRAGMENT_DELTAS = 40


def _chart_with(page, words: str) -> str:
    """JSON of the data of the first plotly chart whose layout mentions ``words``."""
    return page.evaluate(
        "w => { for (const g of document.querySelectorAll('.js-plotly-plot'))"
        " if (JSON.stringify(g.layout).includes(w)) return JSON.stringify(g.data); return null; }", words)


@pytest.mark.browser
def test_descent_paths_and_learning_rate_tab(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 1500})
    page.goto(f"{app_url}/dynamics?gd_b=5&gd_steps=300")
    wait_for_app(page, charts=3, timeout=180_000)
    assert exception_blocks(page) == []
    page.screenshot(path=str(DOCS / "dynamics.png"))
    before = chart_data(page, 0)
    move_slider(page, "Steps (updates)", presses=3)
    page.wait_for_function("old => JSON.stringify(document.querySelector('.js-plotly-plot').data) !== old",
                           arg=before, timeout=60_000)
    wait_for_app(page, charts=3)

    page.get_by_role("tab", name="Learning rate").click()  # built on opening: wait for its charts
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')]"
                           ".some(g => JSON.stringify(g.layout).includes('Learning-rate range test'))", timeout=180_000)
    wait_for_app(page, timeout=180_000)
    curves = _chart_with(page, "Loss vs step at each learning rate")
    assert curves and "very high (lr 10): diverged at step" in curves
    assert _chart_with(page, "Learning-rate range test")
    assert page.get_by_text("Suggested lr").count() >= 1
    page.get_by_role("button", name="Use the suggestion as your learning rate").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stSlider\"]')].some(s =>"
        " s.innerText.includes('Your learning rate') && s.innerText.includes('0.5'))", timeout=60_000)
    wait_for_app(page, charts=3)
    assert "yours (lr 0.5)" in _chart_with(page, "Loss vs step at each learning rate")
    page.screenshot(path=str(DOCS / "dynamics_lr.png"))
    assert exception_blocks(page) == []


@pytest.mark.browser
def test_a_steps_tick_reruns_the_descent_only_and_updates_its_charts_in_place(page, app_url):
    page.add_init_script(path=str(PROBE))  # records the websocket's messages
    page.goto(f"{app_url}/dynamics")
    wait_for_app(page, charts=3, timeout=180_000)
    page.evaluate("() => { window.__charts = [...document.querySelectorAll('.js-plotly-plot')]; }")
    start, before = page.evaluate("() => window.__nlab.ws.length"), chart_data(page, 0)
    move_slider(page, "Steps (updates)")
    page.wait_for_function("old => JSON.stringify(document.querySelector('.js-plotly-plot').data) !== old",
                           arg=before, timeout=60_000)
    wait_for_app(page, charts=3)
    # The same plot nodes with new data: updated with Plotly.react, never a blank remounted panel.
    assert page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot')].every((g, i) => g === "
                         "window.__charts[i])")
    assert tick_deltas(page, start) < FRAGMENT_DELTAS
    assert "gd_steps=105" in page.url  # the setting still lives in the link
    assert page.evaluate("() => document.querySelector('.js-plotly-plot .main-svg image') !== null")  # the bowl
    assert exception_blocks(page) == []
