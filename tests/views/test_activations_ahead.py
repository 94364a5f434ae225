"""The mean's charts drawn ahead (views/activations/ahead.py): all three charts carry the means a tick reaches, as
the slider hands them over, at the range's ends and off its grid too; GELU's costly neighbours wait for the
background job, which prepares what a drag's next tick reads. tests/test_ahead.py checks the explorer chart."""

import time

import pytest

from tests import test_ahead
from tests.apptest import live_data, open_page
from views.activations import ahead, data
from views.activations.config import ActConfig, DepthConfig
from views.ui import cache

PAGE = "views/activations/page.py"
KEYS = ("act_explorer", "act_push", "act_depth_chart")


def _ats(at) -> dict[str, list[float]]:
    return {k: sorted(f["at"] for f in live_data(at, k)["ahead"]["specs"]) for k in KEYS}


@pytest.mark.parametrize("start", [0.3, 0.7, -1.5])  # 0.7 + 0.1 is 0.7999999999999999 in floats; the slider gives 0.8
def test_every_chart_the_mean_moves_sends_what_the_next_mean_draws(monkeypatch, start):
    monkeypatch.setitem(test_ahead.AHEAD, PAGE, ("act_mu", KEYS, start))
    test_ahead.test_figures_sent_ahead_are_what_the_next_value_draws(PAGE)


def test_neighbours_are_the_values_the_slider_hands_over():
    cfg = ActConfig("relu", 0.7, 1.0, 0.1, 0)
    assert [c.mu for c in ahead.notches(cfg, -1, 1, 2)] == [0.6, 0.8, 0.9]  # (what the browser sends: 0.8, not ...99)
    assert [c.mu for c in ahead.notches(ActConfig("relu", 5.0, 1.0, 0.1, 0), -1, 1)] == [4.9]
    assert ahead.notches(ActConfig("relu", 0.25, 1.0, 0.1, 0), -1, 1) == []  # a tick snaps 0.25 onto the grid


@pytest.mark.parametrize(("mu", "ats"), [("5.0", [4.9]), ("-5.0", [-4.9]), ("0.25", [])])
def test_at_the_ends_and_off_the_grid_only_the_reachable_means_are_sent(mu, ats):
    at = open_page(PAGE, timeout=60, query={"act_mu": mu})
    assert not at.exception and not at.error
    assert _ats(at) == {k: ats for k in KEYS}


def _ready(cfg: ActConfig, layers: int = 20) -> bool:
    return all((cache.has(data.explorer_figure, cfg), cache.has(data.push_figure, cfg),
                cache.has(data.depth_figure, DepthConfig(cfg, layers)), cache.has(data.mean_slope, cfg)))


def _wait(cfg: ActConfig) -> bool:
    for _ in range(100):
        if _ready(cfg):
            return True
        time.sleep(0.1)
    return False


def test_gelus_neighbours_are_drawn_ahead_once_the_job_has_made_them():
    """A fresh GELU mean costs ~0.2 s: its neighbours are not computed inside the run, the job prepares them."""
    query = {"act_fn": "GELU", "act_mu": "2.3", "seed": "11"}
    at = open_page(PAGE, timeout=60, query=query)
    assert not at.exception and not at.error
    assert _ats(at) == {k: [] for k in KEYS}
    for mu in (2.2, 2.4):
        assert _wait(ActConfig("gelu", mu, 1.0, 0.1, 11)), mu
    at.run()
    assert _ats(at) == {k: [2.2, 2.4] for k in KEYS}


def test_the_next_tick_of_a_drag_is_prepared_ahead():
    """After a move of the mean the run has computed its neighbours, and a background job the mean after the next
    one in the direction of travel (the next tick's neighbour), E|f'| included."""
    at = open_page(PAGE, timeout=60, query={"seed": "12"})
    for mu, nxt in ((1.2, 1.4), (1.1, 0.9)):  # up from 0, then down: the job follows the direction of travel
        assert not _ready(ActConfig("relu", nxt, 1.0, 0.1, 12))
        at.slider(key="act_mu").set_value(mu).run()
        assert not at.exception and not at.error
        assert _wait(ActConfig("relu", nxt, 1.0, 0.1, 12)), f"mean {nxt} was not prepared after a move to {mu}"
