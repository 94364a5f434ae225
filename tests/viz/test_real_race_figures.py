"""The race's figures: curves per rule and net with the divergence wording, the plane's map, paths and frame."""

import numpy as np
import pytest
import torch

from core.real_race import race_real
from core.trajectory_plane import trajectory_plane
from viz.real_race import SMOOTH, curves_figure, label, plane_figure
from viz.theme import plain

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def races():
    plain_net = race_real(("sgd", "adam"), (1e30, 0.01), arch="cnn", steps=12, record_every=4, eval_every=4)
    bn = race_real(("sgd", "adam"), (0.1, 0.01), arch="cnn", norm="batch", steps=12, record_every=4, eval_every=4)
    return {"no normalization": plain_net, "batch norm": bn}


def test_curves_have_a_loss_and_an_accuracy_line_per_rule_and_net(races):
    spec = plain(curves_figure(races))
    lines = [t for t in spec["data"] if t["mode"] != "markers"]
    assert len(lines) == 2 * 2 * 2  # 2 nets x 2 rules x (loss, accuracy)
    names = [t["name"] for t in lines if t.get("showlegend", True)]
    assert "SGD (lr 1e+30), no normalization: diverged at step 2" in names
    assert "Adam (lr 0.01), batch norm" in names
    dashes = {t["line"]["dash"] for t in lines}
    assert dashes == {"solid", "dash"}  # plain solid, batch norm dashed
    lay = spec["layout"]
    assert lay["yaxis"]["type"] == "log" and lay["yaxis2"]["tickformat"] == ".0%"
    assert str(SMOOTH) in lay["annotations"][0]["text"]
    crosses = [t for t in spec["data"] if t["mode"] == "markers"]
    assert len(crosses) == 1 and list(crosses[0]["x"]) == [2]  # the divergence is marked where it happened


def test_plane_figure_draws_the_map_the_paths_the_start_and_the_centre(races):
    race = races["batch norm"]
    plane = trajectory_plane(race, grid=7, n_examples=60)
    spec = plain(plane_figure(plane, race, "batch norm"))
    assert spec["layout"]["images"][0]["source"].startswith("data:image/png;base64,")
    assert "of the variance" in spec["layout"]["xaxis"]["title"]["text"]
    names = [t.get("name") for t in spec["data"]]
    assert label(race.runs[0], "", 1) in names and label(race.runs[1], "", 1) in names
    start = next(t for t in spec["data"] if t.get("name") == "start")
    np.testing.assert_allclose([start["x"][0], start["y"][0]], plane.paths[0][0], rtol=1e-6)
    centre = next(t for t in plane_figure(plane, race).data if str(t.name).startswith("centre"))
    assert list(centre.x) == [0.0] and list(centre.y) == [0.0]


def test_a_random_plane_is_drawn_over_the_unit_box(races):
    race = races["batch norm"]
    plane = trajectory_plane(race, kind="random", grid=5, n_examples=60)
    spec = plain(plane_figure(plane, race))
    assert spec["layout"]["xaxis"]["range"] == [-1.0, 1.0]
    assert spec["layout"]["xaxis"]["title"]["text"] == "direction 1"
