"""Nothing leaves the machine: every page load, in both themes and in presentation mode, asks only the app's host.

Every request Chromium makes is recorded (documents, scripts, fonts, images, the favicon, websockets); a single
request to another host fails the test, naming it. The page icon used to come from Google's font CDN.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import VIEWPORT, exception_blocks, wait_for_app
from views import HOME, PAGES

pytestmark = pytest.mark.browser
SPECS = [HOME, *PAGES]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("spec", SPECS, ids=[p.url_path for p in SPECS])
def test_a_page_load_asks_only_the_app(browser, app_url, spec, scheme):
    context = browser.new_context(viewport=VIEWPORT, color_scheme=scheme)
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    try:
        page = context.new_page()
        page.on("websocket", lambda ws: requests.append(ws.url))
        path = "" if spec is HOME else spec.url_path
        for query in ("", "?present=1"):
            page.goto(f"{app_url}/{path}{query}")
            wait_for_app(page, charts=spec.charts)
            page.wait_for_timeout(1500)  # the favicon and late fonts arrive after the first paint
            assert exception_blocks(page) == []
        ours = urlsplit(app_url).netloc
        outside = sorted({u for u in requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                          and urlsplit(u).netloc != ours})
        assert not outside, f"requests to other hosts: {outside}"
        assert any("/_stcore/stream" in u for u in requests)  # the recorder saw the app's own websocket
    finally:
        context.close()
