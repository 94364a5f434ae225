"""Real Chromium: Play trains live (histograms change, curves exist); two browser contexts train independently."""

from pathlib import Path

import pytest

from tests.browser.conftest import chart_data, exception_blocks, wait_for_app

SHOTS = Path("/tmp/histpage")


def _step(page) -> int:
    text = page.get_by_text("test accuracy").first.inner_text()
    return int(text.split("·")[0].replace("Step", "").strip())


@pytest.mark.browser
def test_play_trains_live_and_pause_stops(page, app_url, browser):
    SHOTS.mkdir(exist_ok=True)
    page.goto(f"{app_url}/histograms")
    wait_for_app(page, charts=5)
    before = chart_data(page, 0)
    assert _step(page) == 0
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("() => /Step [1-9]\\d*/.test(document.body.innerText)", timeout=60_000)
    page.wait_for_timeout(4000)
    assert _step(page) > 0 and chart_data(page, 0) != before
    assert len(page.locator(".js-plotly-plot").all()) >= 5 and '"y"' in (chart_data(page, 1) or "")
    page.screenshot(path=str(SHOTS / "browser_playing.png"))
    other = browser.new_context(viewport={"width": 1200, "height": 800}).new_page()
    other.goto(f"{app_url}/histograms")
    wait_for_app(other, charts=5)
    assert _step(other) == 0  # a second student starts from scratch while the first trains
    other.context.close()
    page.get_by_role("button", name="Pause").click()
    page.wait_for_timeout(1500)
    paused = _step(page)
    page.wait_for_timeout(1500)
    assert _step(page) == paused
    assert not exception_blocks(page)
