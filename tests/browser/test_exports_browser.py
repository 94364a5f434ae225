"""Exports for slides and notebooks in Chromium: the race GIF and the trajectories CSV, built on click."""

import csv
import io

import pytest
from PIL import Image

from tests.browser.conftest import exception_blocks, wait_for_app

pytestmark = pytest.mark.browser


def _download(page, name: str):
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=name).click()
    return info.value


def test_race_gif_downloads(page, app_url):
    page.goto(f"{app_url}/optimizers")
    wait_for_app(page, charts=2)
    page.get_by_role("tab", name="Race", exact=True).click()
    download = _download(page, "Download the race as a GIF")
    assert download.suggested_filename == "normlab-race-beale.gif"
    im = Image.open(io.BytesIO(open(download.path(), "rb").read()))
    assert im.format == "GIF" and im.n_frames == 60
    assert exception_blocks(page) == []


def test_trajectories_csv_downloads(page, app_url):
    page.goto(f"{app_url}/optimizers?steps=40")
    wait_for_app(page, charts=2)
    download = _download(page, "Download trajectories (CSV)")
    rows = list(csv.DictReader(io.StringIO(open(download.path()).read())))
    names = list(dict.fromkeys(r["optimizer"] for r in rows))
    assert len(names) == 7 and len(rows) == 7 * 41  # the seven course optimizers, steps 0..40
    first = rows[0]
    assert (float(first["x"]), float(first["y"])) == (1.0, 1.5) and first["step"] == "0"
    assert exception_blocks(page) == []
