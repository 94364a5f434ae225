"""Text from a link is text, in the browser: the payload corpus through every path that shows a link value.

Each payload goes into link values a page refuses, a key given twice, an unknown key, a gallery example name, the
optimizer page's names and its custom expression. The rendered page must hold no link or image element from the
payload, show it verbatim, and Chromium must never ask its host (every request to it is recorded and aborted).
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import pytest

from tests.browser.conftest import VIEWPORT, wait_for_app
from tests.test_text_payloads import EVIL, PAYLOADS
from views.ui.text import clip

pytestmark = pytest.mark.browser
SELECTOR = f'a[href*="{EVIL}"], img[src*="{EVIL}"], [src*="{EVIL}"], [href*="{EVIL}"]'
FROM_PAYLOAD = f"() => [...document.querySelectorAll({SELECTOR!r})].map(e => e.outerHTML.slice(0, 120))"


def _links(payload: str) -> list[str]:
    """Link queries that put ``payload`` through each path that shows a link value."""
    return [
        "activations?" + urlencode([("act_fn", payload), ("act_mu", "0.5"), ("act_mu", payload),
                                    ("example", payload), (payload, "1")]),
        "dynamics?" + urlencode([("dtab", payload), ("gd_n", payload), ("gd_opt", payload)]),
        "optimizers?" + urlencode([("opt", payload), ("surf", "Custom expression"), ("expr", payload)]),
    ]


@pytest.fixture
def guarded(browser):
    """A browser context that records and aborts every request to the payload's host."""
    context = browser.new_context(viewport=VIEWPORT)
    context.asked = []

    def block(route):
        context.asked.append(route.request.url)
        route.abort()

    # By host: the app's own URL carries the payload in its query string.
    context.route(lambda url: (urlsplit(url).hostname or "").endswith(EVIL), block)
    yield context
    context.close()


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_no_link_image_or_request_from_a_link_payload(guarded, app_url, payload):
    page = guarded.new_page()
    for query in _links(payload):
        page.goto(f"{app_url}/{query}")
        page.locator('[data-testid="stAlert"]').first.wait_for(timeout=60_000)  # every link here gets a notice
        wait_for_app(page)
        found = page.evaluate(FROM_PAYLOAD)
        assert not found, f"{query}: {found}"
        alerts = " ".join(page.locator('[data-testid="stAlert"]').all_inner_texts())
        assert "Link value" in alerts or "Unknown link" in alerts or "refused" in alerts.lower(), query
        assert " ".join(clip(payload, 12).rstrip("…").split()) in " ".join(alerts.split()), query  # shown as typed
    assert guarded.asked == []
