"""What the optimizer contour sends to the browser: the landscape grid as float32, the same heights."""

import base64
import json

import numpy as np
import plotly.io as pio

from core.surfaces import get_surface
from viz.contours import contour, log_height


def test_landscape_goes_out_as_float32_with_the_same_heights():
    s = get_surface("beale")
    xs, ys, z = s.grid(160)
    spec = json.loads(pio.to_json(contour(xs, ys, z, {}, s.minima, s.starts[0]).to_dict(), validate=False))
    wire = spec["data"][0]["z"]
    assert wire["dtype"] == "f4" and wire["shape"] == "160, 160"
    sent = np.frombuffer(base64.b64decode(wire["bdata"]), np.float32).reshape(160, 160)
    np.testing.assert_allclose(sent, log_height(z), rtol=1e-6, atol=1e-6)
    assert len(wire["bdata"]) < 0.6 * len(base64.b64encode(log_height(z).tobytes()))
