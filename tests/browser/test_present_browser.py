"""Presentation mode on a projector: at 1024x768 and 1280x720, in both themes, every page's main chart and its main
control are fully visible without scrolling, the sidebar is closed and the prose folded away.

Pages change under other hands, so the test is generic: the first plotly chart and the first slider (or button) of
the page.
Screenshots: docs/present-<page>-1024.png for the optimizer, normalization and histogram pages (README).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import exception_blocks, wait_for_app
from views import PAGES

DOCS = Path(__file__).resolve().parents[2] / "docs"
pytestmark = pytest.mark.browser
SIZES = [(1024, 768), (1280, 720)]
SHOTS = {"optimizers", "normalization", "histograms"}
BOX = """sel => { const e = document.querySelector(sel); if (!e) return null;
  const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"""
# The first chart that shows something: the invisible chart that only loads plotly.js (views.ui.charts.plotly_js,
# one trace named "plotly.js loader") is not a chart on the projector.
FIRST_CHART = """() => { const e = [...document.querySelectorAll('.js-plotly-plot')].find(g =>
  !(g.data && g.data.length === 1 && g.data[0].name === 'plotly.js loader')); if (!e) return null;
  const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"""


def _inside(box, width: int, height: int) -> bool:
    left, top, right, bottom = box
    return left >= 0 and top >= 0 and right <= width + 0.5 and bottom <= height + 0.5


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_main_chart_and_control_fit_the_projector(browser, app_url, spec, size, scheme):
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(f"{app_url}/{spec.url_path}?present=1")
        wait_for_app(page, charts=max(spec.charts, 1))
        assert exception_blocks(page) == []
        if spec.url_path in SHOTS and width == 1024 and scheme == "light":
            page.screenshot(path=str(DOCS / f"present-{spec.url_path}-1024.png"))
        assert page.evaluate("() => window.scrollY") == 0
        chart = page.evaluate(FIRST_CHART)
        # The first slider or button of the page body (a control left in the closed sidebar is not on the
        # projector): a page's main control is a slider, or Play on the live view.
        control = page.evaluate(BOX, '[data-testid="stMain"] [data-testid="stSlider"], '
                                     '[data-testid="stMain"] [data-testid="stButton"]')
        assert chart and _inside(chart, width, height), f"main chart at {chart} in {width}x{height}"
        assert control and _inside(control, width, height), f"main control at {control} in {width}x{height}"
        sidebar = page.evaluate(BOX, '[data-testid="stSidebar"]')
        assert sidebar[2] <= 0, f"sidebar open at {sidebar}"  # the projector gets the whole width
        assert page.locator('[data-testid="stCaptionContainer"]:visible').count() == 0  # prose folded away
    finally:
        context.close()
