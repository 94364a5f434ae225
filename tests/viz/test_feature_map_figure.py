"""The feature-map figure is built from plain dicts: check what plotly's validation used to guarantee."""

import json

import numpy as np
import plotly.io as pio
import pytest

from viz.norm_stats import feature_map_figure, montage


def _spec(fig) -> dict:
    return json.loads(pio.to_json(fig.to_dict(), validate=False))


@pytest.mark.parametrize("with_image", [True, False])
def test_outline_frames_the_chosen_channel_tile(with_image):
    rng = np.random.default_rng(0)
    maps, channel = rng.normal(size=(7, 5, 6)), 4
    fig = feature_map_figure(maps, channel, rng.random((8, 8)) if with_image else None, "t")
    spec = _spec(fig)
    tiles = montage(maps, 3)
    (shape,) = spec["layout"]["shapes"]
    axis = "2" if with_image else ""
    assert (shape["xref"], shape["yref"]) == (f"x{axis}", f"y{axis}")
    r, q = divmod(channel, 3)  # tile (row 1, column 1) of a 3-wide montage
    assert shape["x0"] < q * 7 < q * 7 + 5 < shape["x1"]  # 6 wide + 1 gap per tile
    assert shape["y0"] < r * 6 < r * 6 + 4 < shape["y1"]  # 5 high + 1 gap per tile
    tile_trace = spec["data"][-1]
    assert tile_trace["zmax"] == pytest.approx(np.nanmax(np.abs(tiles)))
    assert spec["layout"][f"yaxis{axis}"]["range"] == [tiles.shape[0], -1.0]  # rows drawn top-down


def test_names_plotly_js_would_not_understand_are_resolved():
    fig = feature_map_figure(np.ones((4, 3, 3)), 0, np.zeros((8, 8)), "sample 0")
    spec = _spec(fig)
    for trace in spec["data"]:
        assert isinstance(trace["colorscale"], list)  # "RdBu_r" / "gray_r" are Python-side names only
    assert spec["data"][1]["colorbar"]["title"] == {"text": "x"}
    assert spec["layout"]["title"]["text"] == "sample 0"
    titles = [a["text"] for a in spec["layout"]["annotations"]]
    assert titles == ["input", "conv output, all channels"]
    assert spec["layout"]["xaxis"]["domain"][1] < spec["layout"]["xaxis2"]["domain"][0]  # side by side


def test_stats_means_use_the_diverging_scale_plotly_js_can_read():
    from viz.norm_stats import stats_figure

    mean, var = np.array([[-1.0, 0.0, 2.0]]), np.ones((1, 3))
    spec = _spec(stats_figure({"BatchNorm": (mean, var)}, {"BatchNorm": ("", "c")}))
    scale = spec["data"][0]["colorscale"]
    assert isinstance(scale, list)  # a name like "RdBu_r" falls back to plotly.js's own default scale
    assert scale[0][0] == 0 and scale[-1][0] == 1 and spec["data"][0]["zmin"] == -2.0
