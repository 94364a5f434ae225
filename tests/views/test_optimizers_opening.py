"""A view's first heavy race answers at once with a progress bar and runs as a job (views/optimizers/opening.py);
a race already on screen, a light one and a cached one are drawn in the first run, as before."""

import pytest

from tests.apptest import chart_specs, open_page, settle
from views.optimizers import data, opening
from views.ui import jobs, text

PAGE = "views/optimizers/page.py"


@pytest.fixture
def fresh():
    """Nothing cached: every race is computed again."""
    data._computed.clear()
    jobs._DONE.clear()
    jobs._FAILED.clear()


def _progress(at) -> list[str]:
    return [p.proto.text for p in at.get("progress")]


def test_a_heavy_link_shows_progress_first_then_the_race(fresh):
    # The default 7 optimizers, noisy: ~1 s here (the budget clamps it to about that on a slower machine)
    query = {"steps": "5000", "nz_sigma": "0.5", "nz_paths": "16", "seed": "77"}
    at = open_page(PAGE, timeout=60, query=query)
    assert not at.exception and not at.error
    bars = _progress(at)
    assert bars and bars[0].startswith("Racing 7 optimizers over "), bars
    assert not chart_specs(at)  # nothing drawn from a race that is not there yet
    at = settle(at)
    assert not at.exception and not at.get("progress")
    assert chart_specs(at), "the race is drawn once its job is done"


def test_a_race_on_screen_computes_inline_and_a_cached_one_opens_inline(fresh, monkeypatch):
    monkeypatch.setattr(opening, "OPENING_S", 0.0)  # every uncached race counts as heavy on a first run
    at = settle(open_page(PAGE, timeout=60, query={"steps": "300"}))
    assert chart_specs(at) and not at.get("progress")
    at.slider(key="steps").set_value(320).run()  # a move: the race is on screen, computed in this run
    assert not at.exception and not at.get("progress") and chart_specs(at)
    again = open_page(PAGE, timeout=60, query={"steps": "300"})  # another tab, same settings: cached
    assert not again.get("progress") and chart_specs(again)


def test_a_setting_torch_refuses_is_one_sentence_through_the_job(fresh, monkeypatch):
    monkeypatch.setattr(opening, "OPENING_S", 0.0)

    def refuse(cfg):
        raise ValueError("Invalid beta parameter at index 0: 1.5")
    monkeypatch.setattr(data, "race", refuse)
    at = settle(open_page(PAGE, timeout=60, query={"steps": "300"}))
    assert not at.exception
    assert [e.value for e in at.error] == [text.plain("Invalid beta parameter at index 0: 1.5", 300)]
    assert not at.get("progress")  # shown, not started again by the rerun its failure triggered


def test_a_links_settings_for_the_open_tab_wait_for_the_race(fresh, monkeypatch):
    """The sweep tab's toggle is drawn only with the race: the run showing the race's progress must neither call
    it unknown nor drop it from the URL, or the link's sweep would never start."""
    monkeypatch.setattr(opening, "OPENING_S", 0.0)
    at = open_page(PAGE, timeout=60, query={"steps": "300", "otab": "Sweep", "sweep_on": "true"})
    assert at.get("progress") and not [i.value for i in at.info if "Unknown link" in i.value]
    assert at.query_params["sweep_on"] == "true"
    at = settle(at)
    assert at.toggle(key="sweep_on").value is True
    assert not [i.value for i in at.info if "Unknown link" in i.value]
