"""The race GIF download in Chromium: one click on the Race tab saves an animated GIF of the current race."""

import io

import pytest
from PIL import Image

from tests.browser.conftest import exception_blocks, wait_for_app

pytestmark = pytest.mark.browser


def test_race_gif_downloads(page, app_url):
    page.goto(f"{app_url}/optimizers")
    wait_for_app(page, charts=2)
    page.get_by_role("tab", name="Race", exact=True).click()
    button = page.get_by_role("button", name="Download the race as a GIF")
    with page.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "normlab-race-beale.gif"
    im = Image.open(io.BytesIO(open(download.path(), "rb").read()))
    assert im.format == "GIF" and im.n_frames == 60
    assert exception_blocks(page) == []
