"""viz.theme.plain: a figure's plain spec keeps the template defaults of its own trace types only."""

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
