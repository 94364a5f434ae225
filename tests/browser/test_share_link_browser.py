""""Link to this view" stays current after a fragment's rerun (a slider inside st.fragment reruns only its part of
the page; the sidebar's link must still carry the new value)."""

import pytest

from tests.browser.conftest import move_slider, wait_for_app

pytestmark = pytest.mark.browser


def test_share_link_follows_a_slider_inside_a_fragment(page, app_url):
    page.goto(f"{app_url}/activations")
    wait_for_app(page, charts=1)
    move_slider(page, "Pre-activation mean", presses=3)
    page.wait_for_function("() => location.search.includes('act_mu=')", timeout=30_000)
    page.get_by_text("Link to this view").click()
    code = page.locator(".nl-share code")
    page.wait_for_function("() => (document.querySelector('.nl-share code') || {}).textContent?.includes('act_mu=')",
                           timeout=10_000)
    link = code.text_content()
    assert "seed=0" in link and "/activations?" in link
