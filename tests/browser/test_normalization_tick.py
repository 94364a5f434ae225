"""A tick of the normalization page's N (batch) reruns only the batch fragment: few deltas, the cell fragment
inside it still works alone, and a full run afterwards keeps both in place."""

import pytest

from bench.browser.measure import tick
from bench.browser.tab import Run, Tab
from tests.browser.conftest import exception_blocks

pytestmark = pytest.mark.browser
FULL_RUN_DELTAS = 82  # what a tick of N sent when it reran the whole page (bench/browser, 2026-11-26)


@pytest.fixture
def tab(browser, app_url):
    t = Tab(Run(app_url, "", browser))
    t.open(f"{app_url}/normalization", charts=4)
    yield t
    t.close()


def test_a_tick_of_n_resends_only_what_n_changes_and_the_cell_fragment_keeps_working(tab):
    first = tick(tab, "N (batch)")
    assert first["reruns"] == 1 and first["deltas"] <= FULL_RUN_DELTAS // 2, first
    cell = tick(tab, "cell n")  # the cell fragment, drawn by the batch fragment, reruns on its own
    assert cell["deltas"] < first["deltas"], (cell, first)
    again = tick(tab, "N (batch)")
    assert again["deltas"] == first["deltas"]
    tick(tab, "C (channels)")  # a full run: both fragments are drawn afresh in their slots
    assert tick(tab, "N (batch)")["deltas"] <= FULL_RUN_DELTAS // 2
    assert exception_blocks(tab.page) == []
    assert tab.page.get_by_text("N (batch)", exact=True).count() == 1  # drawn once, in its column


@pytest.mark.parametrize(("query", "key", "shown"), [
    ("?H=1&W=1&N=2", "ArrowLeft", "BatchNorm is left out below"),  # N = 1, H = W = 1: one value per set
    ("?N=15", "ArrowRight", "the largest the cube draws"),  # N at its limit: the note under the controls
])
def test_a_warning_or_note_that_first_shows_on_a_tick_has_its_place(browser, app_url, query, key, shown):
    t = Tab(Run(app_url, "", browser))
    try:
        t.open(f"{app_url}/normalization{query}", charts=4)
        assert t.page.get_by_text(shown).count() == 0
        t.idle()
        thumb = t.page.locator('[data-testid="stSlider"]').filter(
            has=t.page.get_by_text("N (batch)", exact=True)).first.get_by_role("slider")
        thumb.focus()
        t.page.keyboard.press(key)
        t.page.get_by_text(shown).first.wait_for(timeout=30_000)
        t.idle()
        assert exception_blocks(t.page) == []
    finally:
        t.close()


@pytest.mark.parametrize(("tab_name", "own"), [("Sequences: LayerNorm vs RMSNorm", "L (tokens per sequence)"),
                                               ("Keras modes", "k (training batches)")])
def test_the_tabs_with_the_cubes_n_follow_a_tick_and_keep_their_own_slider(browser, app_url, tab_name, own):
    t = Tab(Run(app_url, "", browser))
    try:
        t.open(f"{app_url}/normalization?ntab={tab_name.replace(' ', '+')}", charts=1)
        assert tick(t, "N (batch)")["deltas"] <= FULL_RUN_DELTAS // 2
        tick(t, own)  # drawn by the batch fragment: its tick reruns only that fragment
        assert exception_blocks(t.page) == []
    finally:
        t.close()
