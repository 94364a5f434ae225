"""Every registered page in real Chromium: it renders, has no exception, reacts to its main control."""

from pathlib import Path

import pytest

from tests.browser.conftest import chart_data, exception_blocks, move_slider, wait_for_app
from views import HOME, PAGES

DOCS = Path(__file__).resolve().parents[2] / "docs"
pytestmark = pytest.mark.browser

# Chromium reports some network noise on a closed machine that is not ours (favicon fetches and the like).
BENIGN = ("favicon", "net::ERR_", "Failed to load resource")


def _own_errors(page) -> list[str]:
    return [e for e in page.console_errors if not any(b in e for b in BENIGN)]


def test_home_lists_every_page(page, app_url):
    page.goto(f"{app_url}/")
    wait_for_app(page)
    assert exception_blocks(page) == []
    for spec in PAGES:
        # On a cold server the cards appear only once their thumbnails are shrunk (the gallery test waits alike).
        page.get_by_role("link", name=spec.title).first.wait_for(timeout=60_000)
        assert page.get_by_role("link", name=spec.title).count() >= 1, spec.title
    page.screenshot(path=str(DOCS / f"{HOME.url_path}.png"))
    assert _own_errors(page) == []


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_page_renders_and_reacts(page, app_url, spec):
    page.goto(f"{app_url}/{spec.url_path}")
    wait_for_app(page, charts=spec.charts)
    assert exception_blocks(page) == []
    page.screenshot(path=str(DOCS / f"{spec.url_path}.png"))
    if spec.main_control:
        before = chart_data(page)
        move_slider(page, spec.main_control)
        page.wait_for_function(
            "old => { const g = document.querySelector('.js-plotly-plot');"
            " return g && JSON.stringify(g.data) !== old; }", arg=before, timeout=30_000)
        wait_for_app(page, charts=spec.charts)
        assert chart_data(page) != before
        assert exception_blocks(page) == []
    assert _own_errors(page) == []
