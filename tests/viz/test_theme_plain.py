"""viz.theme.plain: a figure's plain spec keeps the template defaults of its own trace types only."""

import json

import numpy as np
import plotly.io as pio

from viz.theme import figure, plain


def test_plain_keeps_only_the_template_defaults_of_the_traces_it_draws():
    fig = figure([{"type": "scatter", "x": [0, 1], "y": [1, 0]}, {"type": "heatmap", "z": [[0, 1], [1, 0]]}],
                 {}, 300)
    full = pio.templates["plotly_white"].to_plotly_json()
    spec = plain(fig)
    template = spec["layout"]["template"]
    assert set(template["data"]) == {"scatter", "heatmap"}
    assert template["data"]["heatmap"] == full["data"]["heatmap"]  # what it keeps is kept whole
    assert "polar" not in template["layout"] and template["layout"]["colorscale"] == full["layout"]["colorscale"]
    assert spec["data"] == fig.to_dict()["data"]  # the traces themselves are untouched
    assert len(str(template)) < len(str(full)) / 2


def test_plain_is_json_even_with_an_empty_array():
    # to_dict base64-encodes arrays but leaves an empty one as numpy: a live chart's data went out as its repr
    # (the cube of cell n = 3 has an empty trace), and the browser showed an error instead of the chart.
    fig = figure([{"type": "scatter", "x": np.array([], np.float32), "y": np.array([], np.float32)},
                  {"type": "scatter", "x": np.arange(3.0), "y": np.arange(3.0)}], {}, 300)
    spec = plain(fig)
    assert json.loads(json.dumps(spec))["data"][0]["x"] == []
    assert spec["data"][1]["x"] == fig.to_dict()["data"][1]["x"]  # the others stay base64
