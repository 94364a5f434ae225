"""Axis titles written as ``title_text`` on plain grid layouts reach plotly.js as ``title.text``."""

import json

import plotly.io as pio

from viz.grid_layout import axis_name, grid
from viz.theme import figure


def test_title_text_on_a_grid_axis_becomes_its_title():
    lay = grid(1, 2)
    lay[axis_name("x", 0)].update(title_text="step")
    lay[axis_name("x", 1)].update(title_text="layer")
    spec = json.loads(pio.to_json(figure([], lay, 300).to_dict(), validate=False))["layout"]
    assert spec["xaxis"]["title"]["text"] == "step" and spec["xaxis2"]["title"]["text"] == "layer"
    assert "title_text" not in spec["xaxis"]
    assert spec["xaxis"]["title"]["font"]["size"] == 14  # the grid's title style is kept
    assert "text" not in spec["yaxis"]["title"]  # axes share no title dict
