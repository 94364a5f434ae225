"""The normalization page in real Chromium: pick a cell, change G, every tab renders; screenshots to look at."""

from pathlib import Path

import pytest

from tests.browser.conftest import chart_data, exception_blocks, move_slider, wait_for_app

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/normpage")


def _changed(page, index: int, before: str) -> None:
    page.wait_for_function(
        "([i, old]) => { const g = document.querySelectorAll('.js-plotly-plot')[i];"
        " return g && JSON.stringify(g.data) !== old; }", arg=[index, before], timeout=30_000)


def _open(page, app_url: str) -> None:
    page.goto(f"{app_url}/")  # the router first, so the deep link below runs through app.py's navigation
    wait_for_app(page)
    page.goto(f"{app_url}/normalization")
    wait_for_app(page, charts=4)


def test_pick_a_cell_then_change_g(page, app_url):
    SHOTS.mkdir(exist_ok=True)
    _open(page, app_url)
    assert exception_blocks(page) == []
    page.screenshot(path=str(SHOTS / "browser_default.png"))
    before = chart_data(page, 0)
    move_slider(page, "cell n", presses=3)
    _changed(page, 0, before)
    wait_for_app(page, charts=4)
    assert page.get_by_text("x at n=3, c=5, h=3, w=4").count() == 1  # the cell's numbers follow the cell
    before = chart_data(page, 0)
    move_slider(page, "G (groups)")  # 4 -> 8: the GroupNorm set halves
    _changed(page, 0, before)
    wait_for_app(page, charts=4)
    assert page.get_by_text("N·G = 64").count() == 1
    assert exception_blocks(page) == []
    page.screenshot(path=str(SHOTS / "browser_cell_g8.png"))


def test_every_tab_renders_its_charts(page, app_url):
    _open(page, app_url)
    for name in ("Sequences: LayerNorm vs RMSNorm", "BatchNorm step by step", "Train vs eval", "Keras modes"):
        page.get_by_role("tab", name=name).click()  # a tab's body is built when it opens: a rerun
        page.wait_for_function("t => new URL(location).searchParams.get('ntab') === t", arg=name)
        if name == "BatchNorm step by step":
            page.get_by_text("max |dx − autograd|").wait_for(timeout=30_000)
        else:
            page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')]"
                                   ".some(g => g.getBoundingClientRect().width > 100)", timeout=30_000)
        wait_for_app(page)
        assert exception_blocks(page) == []
        page.screenshot(path=str(SHOTS / f"browser_{name.split(':')[0].split()[0].lower()}.png"))
