"""The home gallery in Chromium: every card opens its page with that preset applied, and makes its thumbnail."""

import pytest

from tests.browser.conftest import chart_data, exception_blocks, wait_for_app
from views import PAGES
from views.home.gallery import GALLERY, THUMBS

pytestmark = pytest.mark.browser
BY_PATH = {p.url_path: p for p in PAGES}
EXAMPLES = [e for e in GALLERY if e.page in BY_PATH]


def test_home_shows_a_card_per_example(page, app_url):
    page.goto(f"{app_url}/")
    wait_for_app(page)
    for ex in EXAMPLES:
        card = page.locator('[data-testid="stPageLink"]').filter(has_text=ex.title)
        card.first.wait_for(timeout=60_000)  # the first visit shrinks the thumbnails before the cards appear
        assert card.count() == 1, ex.title
        href = card.locator("a").get_attribute("href")
        assert href.startswith(ex.page) and f"example={ex.name}".replace(" ", "+") in href.replace("%20", "+")


@pytest.mark.parametrize("ex", EXAMPLES, ids=[f"{e.page}-{e.name}" for e in EXAMPLES])
def test_example_link_applies_its_preset(page, app_url, ex):
    spec = BY_PATH[ex.page]
    page.goto(f"{app_url}/{spec.url_path}")
    wait_for_app(page, charts=spec.charts)
    default = chart_data(page)
    page.goto(f"{app_url}/{spec.url_path}?example={ex.name}")
    # A card may open another tab of the page (fewer charts) and start an experiment there: its result chart is
    # drawn once the background job's progress bar is gone.
    wait_for_app(page, charts=1, timeout=120_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stProgress\"]')", timeout=120_000)
    wait_for_app(page, charts=1)
    assert exception_blocks(page) == []
    assert page.get_by_text("not one of this page's presets").count() == 0
    assert "example=" not in page.url  # the link's parameter gives way to the real settings
    assert chart_data(page) != default, "the preset did not change the first chart"
    THUMBS.mkdir(parents=True, exist_ok=True)
    page.locator(".js-plotly-plot").first.screenshot(path=str(ex.thumb))


def test_unknown_example_is_a_notice(page, app_url):
    page.goto(f"{app_url}/optimizers?example=nonsense")
    wait_for_app(page, charts=1)
    assert page.get_by_text("not one of this page's presets").count() == 1
    assert exception_blocks(page) == []
