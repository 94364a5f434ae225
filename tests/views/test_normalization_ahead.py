"""The N (batch) slider's charts drawn ahead (views.normalization.nearby): the cell's n clamped at a smaller N, and
the neighbours left out (N = 1's cell, a method that comes or goes, a costly tensor). tests/test_ahead.py checks the
default view."""

import json

import pytest

from tests.apptest import live_data, open_page
from views.normalization.config import CellConfig
from views.normalization.nearby import cell_at

PAGE = "views/normalization/page.py"
KEYS = ("cube", "maps", "stats", "hist")


def _ahead(at) -> dict[str, dict]:
    return {k: {f["at"]: f["spec"] for f in live_data(at, k)["ahead"]["specs"]} for k in KEYS}


def _dumps(spec: dict) -> str:
    return json.dumps(spec, sort_keys=True)


@pytest.mark.parametrize(("query", "nxt"), [({"N": "8", "cn": "7"}, 7), ({"N": "2", "cn": "1"}, 1),
                                            ({"N": "2", "cn": "1"}, 3)])
def test_a_tick_to_a_smaller_batch_draws_the_cell_it_clamps_to(query, nxt):
    at = open_page(PAGE, timeout=120, query=query)
    assert not at.exception
    sent = _ahead(at)
    again = open_page(PAGE, timeout=120, query=query)
    again.slider(key="N").set_value(nxt).run()
    assert not again.exception
    if nxt > 1:  # (at N = 1 the cell's n is a caption)
        assert again.slider(key="cn").value == min(int(query["cn"]), nxt - 1)
    for k in KEYS:
        assert _dumps(live_data(again, k)["spec"]) == _dumps(sent[k][nxt]), k


def test_from_a_batch_of_one_only_the_charts_that_ignore_the_cell_are_sent_ahead():
    at = open_page(PAGE, timeout=120, query={"N": "1"})
    sent = _ahead(at)
    assert sent["cube"] == {} and sent["maps"] == {}  # no cell-n slider at N = 1: the n it takes at 2 is not shown
    assert list(sent["stats"]) == [2] and list(sent["hist"]) == [2]


def test_no_neighbour_where_a_method_would_come_or_go():
    at = open_page(PAGE, timeout=120, query={"N": "2", "H": "1", "W": "1"})
    assert all(list(v) == [3] for v in _ahead(at).values())  # N = 1, H·W = 1: BatchNorm is left out


def test_a_costly_neighbour_is_left_to_its_own_tick():
    at = open_page(PAGE, timeout=120, query={"N": "8", "C": "64", "H": "16", "W": "16"})
    assert all(list(v) == [7] for v in _ahead(at).values())  # 9·64·16·16 cells: over nearby.MOST_CELLS


def test_the_cell_at_another_batch_size_is_clamped_like_the_slider():
    cell = CellConfig((8, 16, 8, 8), 4, (7, 5, 3, 4), "group")
    assert cell_at(cell, 9) == CellConfig((9, 16, 8, 8), 4, (7, 5, 3, 4), "group")
    assert cell_at(cell, 7) == CellConfig((7, 16, 8, 8), 4, (6, 5, 3, 4), "group")
    assert cell_at(cell, 1).index == (0, 5, 3, 4)
    assert cell_at(CellConfig((1, 16, 8, 8), 4, (0, 5, 3, 4)), 2) is None
