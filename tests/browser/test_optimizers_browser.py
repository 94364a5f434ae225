"""Optimizer page in Chromium: a preset, the race's Play, click-to-start on the contour, and the sweep."""

import pytest

from tests.browser.conftest import chart_data, exception_blocks, wait_for_app

pytestmark = pytest.mark.browser


def test_preset_play_click_and_sweep(page, app_url):
    page.goto(f"{app_url}/optimizers")
    wait_for_app(page, charts=2)
    page.get_by_role("button", name="Long valley").click()
    wait_for_app(page, charts=2)
    assert "surf=Long+valley" in page.url  # Streamlit writes an option as its label

    before = chart_data(page, 0)
    box = page.locator(".js-plotly-plot").first.locator(".nsewdrag").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3)  # on the faint pick grid
    page.wait_for_function("old => JSON.stringify(document.querySelector('.js-plotly-plot').data) !== old",
                           arg=before, timeout=30_000)
    wait_for_app(page, charts=2)
    assert "x0=" in page.url and "y0=" in page.url

    page.get_by_role("tab", name="Race").click()
    page.get_by_text("Build the animated race").click()
    wait_for_app(page, charts=3)
    page.get_by_text("▶ Play").first.click()
    page.wait_for_timeout(1500)

    page.get_by_role("tab", name="Sweep").click()
    page.get_by_text("Run the 64 x 64 sweep").click()
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')].some(g => g.data && "
                           "g.data.some(t => t.type === 'heatmap'))", timeout=120_000)
    wait_for_app(page)
    page.screenshot(path="docs/optimizers-sweep.png")
    assert exception_blocks(page) == []
