"""The sweep heatmap: diverged cells are a grey trace of their own, and no gridline crosses the cells (dark theme)."""

import base64
import json

import numpy as np

from viz.sweep import DIVERGED, sweep_heatmap


def _sweep():
    x, y = np.geomspace(1e-4, 1.0, 8), np.linspace(0.0, 0.99, 6)
    z = np.outer(1.0 + y, 1.0 / x)
    z[:, -2:] = np.inf  # the largest lrs diverge
    z[-1, -3] = np.nan
    return x, y, z


def _array(v) -> np.ndarray:
    """An array from figure JSON: nested lists, or plotly's base64 typed array {"dtype", "bdata", "shape"}."""
    if isinstance(v, dict):
        a = np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"]).astype(float)
        return a.reshape([int(n) for n in str(v.get("shape", a.size)).split(",")])
    return np.asarray([[np.nan if c is None else c for c in row] for row in v], dtype=float)


def test_diverged_cells_are_covered_by_a_grey_trace_and_no_gridlines_are_drawn():
    x, y, z = _sweep()
    fig = json.loads(sweep_heatmap(x, y, z, "lr", "momentum", 0.0, (x[1], y[1])).to_json())
    layout = fig["layout"]
    for axis in ("xaxis", "yaxis"):  # on the dark theme the default gridlines are black over the blank cells
        assert layout[axis]["showgrid"] is False and layout[axis]["zeroline"] is False
    assert layout["plot_bgcolor"] == "rgba(0,0,0,0)"  # nothing light left behind the cells
    grey = next(t for t in fig["data"] if t.get("name") == "diverged")
    assert grey["colorscale"] == [[0, DIVERGED], [1, DIVERGED]] and grey["showscale"] is False
    covered = np.isfinite(_array(grey["z"]))
    np.testing.assert_array_equal(covered, ~np.isfinite(z))  # exactly the diverged cells
    assert fig["data"].index(grey) == 0  # under the values, stars and circles
    assert "13 of 48 runs diverged (grey)" in layout["title"]["text"]
