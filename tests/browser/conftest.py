"""A real normlab server and a headless Chromium page for browser tests.

Chromium is Debian's /usr/bin/chromium driven by Playwright (`playwright install` cannot download here).
Under CI=true a missing browser is a failure; elsewhere the tests skip and say why.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.load import server
from views.ui import first_paint

CHROMIUM = os.environ.get("NORMLAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1440, "height": 900}


def _require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    reason = f"{CHROMIUM} not found: install Debian's chromium (make test does it as root)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def app_url():
    """Base URL of a real `streamlit run app.py` on a free loopback port; stopped after the session."""
    _require_chromium()
    with server.direct() as (url, _):
        yield url


@pytest.fixture(scope="session")
def browser(app_url):
    """One headless Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh browser context and page (its own Streamlit session), with console errors collected."""
    context = browser.new_context(viewport=VIEWPORT)
    pg = context.new_page()
    pg.console_errors = []
    pg.on("console", lambda m: m.type == "error" and pg.console_errors.append(m.text))
    pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))
    yield pg
    context.close()


FIRST_PAINT = f'[class*="st-key-{first_paint.KEY}"]'  # the first paint's signal, until its rerun ends


def wait_for_app(page, charts: int = 0, timeout: float = 60_000) -> None:
    """Wait until Streamlit finished running the script and at least `charts` plotly charts have drawn."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    if charts:
        page.wait_for_function(
            "n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n", arg=charts, timeout=timeout)
    # Idle means no running-status widget, no skeleton placeholders (elements not drawn yet) and no first paint
    # waiting for its rerun (views/ui/first_paint.py: a new tab's controls come once a chart is drawn), twice in a
    # row: a run can start a moment after the page appears (the skeletons of a first visit come back once).
    idle = ("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
            " && !document.querySelector('[data-testid=\"stSkeleton\"]')"
            f" && !document.querySelector('{FIRST_PAINT}')")
    for _ in range(2):
        page.wait_for_function(idle, timeout=timeout)
        page.wait_for_timeout(300)


def chart_data(page, index: int = 0) -> str:
    """JSON of the data of the index-th plotly chart on the page (to detect a redraw with new numbers)."""
    return page.evaluate(
        "i => { const g = document.querySelectorAll('.js-plotly-plot')[i];"
        " return g ? JSON.stringify(g.data) : null; }", index)


def exception_blocks(page) -> list[str]:
    """Text of any Streamlit exception block (there must be none)."""
    return page.locator('[data-testid="stException"]').all_inner_texts()


def move_slider(page, label: str, presses: int = 1, key: str = "ArrowRight") -> None:
    """Focus the slider whose label is `label` and press an arrow key, as a keyboard user would."""
    widget = page.locator('[data-testid="stSlider"]').filter(
        has=page.get_by_text(label, exact=True)).first
    thumb = widget.get_by_role("slider").first
    thumb.focus()
    for _ in range(presses):
        page.keyboard.press(key)
