"""What the optimizer views send to the browser: the Paths map as a small PNG under the paths, the zoomable
contour trace (step inspector) as float32 with the same heights."""

import base64
import io
import json

import numpy as np
import plotly.io as pio
import pytest
from PIL import Image

from core.surfaces import get_surface
from viz.contour_image import N_LEVELS, band_greys, line_grey, pixels
from viz.contours import contour, landscape, log_height
from viz.theme import figure


def _png(uri: str) -> np.ndarray:
    assert uri.startswith("data:image/png;base64,")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))))


def test_paths_map_is_an_image_below_the_traces_and_lighter_where_the_loss_is_low():
    s = get_surface("beale")
    xs, ys, z = s.grid(160)
    spec = json.loads(pio.to_json(contour(xs, ys, z, {}, s.minima, s.starts[0]).to_dict(), validate=False))
    assert not [t for t in spec["data"] if t["type"] == "contour"]  # nothing for the browser to trace per redraw
    (img,) = spec["layout"]["images"]
    assert img["layer"] == "below" and img["xref"] == "x" and img["yref"] == "y"
    assert (img["x"], img["y"], img["sizex"], img["sizey"]) == (xs[0], ys[-1], xs[-1] - xs[0], ys[-1] - ys[0])
    grey = _png(img["source"])
    w, h = pixels(xs, ys)
    assert grey.shape == (h, w)
    # the band of each pixel follows the log height: the minimum (3, 0.5) sits in the lightest bands, the corner
    # (-4.5, -4.5) (f ~ 1e5) in the darkest; every level is drawn
    def at(x, y):
        return int(grey[int((ys[-1] - y) / (ys[-1] - ys[0]) * (h - 1)), int((x - xs[0]) / (xs[-1] - xs[0]) * (w - 1))])
    fills, lines = band_greys(), line_grey(band_greys())
    assert at(3.0, 0.5) >= fills[2] and at(-4.45, -4.45) <= fills[-3]
    assert len(set(np.unique(grey)) & set(fills.tolist())) >= N_LEVELS - 2
    assert np.isin(grey, np.concatenate([fills, lines])).all()
    # the picture is smaller on the wire than the float32 grid the contour trace sent
    assert len(img["source"]) < 0.5 * len(base64.b64encode(log_height(z).astype(np.float32).tobytes()))


def test_zoomable_contour_trace_goes_out_as_float32_with_the_same_heights():
    s = get_surface("beale")
    xs, ys, z = s.grid(160)
    spec = json.loads(pio.to_json(figure([landscape(xs, ys, z)], {}, 400).to_dict(), validate=False))
    wire = spec["data"][0]["z"]
    assert wire["dtype"] == "f4" and wire["shape"] == "160, 160"
    sent = np.frombuffer(base64.b64decode(wire["bdata"]), np.float32).reshape(160, 160)
    np.testing.assert_allclose(sent, log_height(z), rtol=1e-6, atol=1e-6)
    assert len(wire["bdata"]) < 0.6 * len(base64.b64encode(log_height(z).tobytes()))


def test_every_click_in_the_plot_lands_in_one_cell_of_one_invisible_trace():
    s = get_surface("beale")
    xs, ys, z = s.grid(160)
    fig = contour(xs, ys, z, {}, s.minima, s.starts[0])
    (grid,) = [t for t in fig.data if t.name == "click to start here"]
    assert grid.type == "heatmap" and grid.opacity == 0  # one image in the page, drawn under nothing visible
    # its cells tile the whole box: a click anywhere on the map is inside one (plotly reports its centre)
    assert (grid.x[0], grid.x[-1], grid.y[0], grid.y[-1]) == pytest.approx((xs[0], xs[-1], ys[0], ys[-1]))
    assert np.asarray(grid.z).shape == (len(grid.y), len(grid.x)) and len(grid.x) >= 33  # cells under 0.3 wide


def test_loss_lines_carry_about_a_chart_width_of_points():
    from viz.losses import POINTS, losses

    v = np.geomspace(1.0, 1e-6, 5001)
    fig = losses({"SGD": v}, 0.0, {"SGD": None})
    (line,) = fig.data
    assert POINTS // 2 < len(line.x) <= POINTS + 1 and line.x[-1] == 5000 and line.y[-1] == np.float32(v[-1])
