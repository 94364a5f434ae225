"""The legend options of the Paths tab's two charts: the map's legend under it, the loss curves without one, as the
page showed them when it moved the legends itself (plotly's update_layout on the finished figure)."""

import json

import numpy as np
import plotly.io as pio
import pytest

from core.optim.run import run_batch
from core.surfaces import get_surface
from viz.contours import contour
from viz.losses import losses

S = get_surface("beale")


@pytest.fixture(scope="module")
def race():
    xs, ys, z = S.grid(40)
    trajs = run_batch([("sgd", {"lr": 1e-3}), ("adam", {"lr": 0.05})], S, (1.0, 1.5), 60)
    return xs, ys, z, {"SGD": trajs[0], "Adam": trajs[1]}


def _spec(fig) -> dict:
    return json.loads(pio.to_json(fig.to_dict(), validate=False))


def _map(race, **kw):
    xs, ys, z, named = race
    return contour(xs, ys, z, {k: t.points for k, t in named.items()}, S.minima, (1.0, 1.5), height=460, **kw)


def test_the_map_legend_below_is_the_one_the_page_drew_by_hand(race):
    before = _map(race).update_layout(legend=dict(orientation="h", x=0.0, xanchor="left", y=-0.12, yanchor="top"),
                                      margin=dict(r=5))
    below = _spec(_map(race, legend="below"))
    assert below == _spec(before)
    legend, margin = below["layout"]["legend"], below["layout"]["margin"]
    assert legend["orientation"] == "h" and legend["y"] < 0 and legend["yanchor"] == "top" and legend["x"] == 0.0
    assert legend["font"]["size"] == 14 and legend["itemclick"] == "toggle"  # the map's own legend style is kept
    assert margin == {"l": 55, "r": 5, "t": 20, "b": 50}


def test_the_map_legend_stays_beside_it_by_default_and_a_bad_place_is_refused(race):
    right = _spec(_map(race))["layout"]
    assert right["legend"]["x"] == 1.02 and "orientation" not in right["legend"] and right["margin"]["r"] == 10
    assert _spec(_map(race, legend="right")) == _spec(_map(race))
    with pytest.raises(ValueError, match="legend must be one of right, below"):
        _map(race, legend="left")


def test_loss_curves_without_legend_are_what_the_page_showed(race):
    named = race[3]
    args = ({k: t.losses for k, t in named.items()}, float(S.value(S.minima[0])), {k: None for k in named})
    before = losses(*args, height=230).update_layout(showlegend=False, margin=dict(r=10, t=30))
    bare = _spec(losses(*args, height=230, legend=False))
    assert bare == _spec(before) and bare["layout"]["showlegend"] is False
    shown = _spec(losses(*args, height=230))["layout"]
    assert shown.get("showlegend", True) and shown["legend"]["x"] == 1.02
    assert np.all([t["name"] in named for t in bare["data"]])
