"""The animated race as the browser gets it: frames touch only the path traces, the map survives Play, the buttons
read on both themes, and a long race ships a bounded number of frames."""

import base64
import json

import numpy as np
import plotly.io as pio
import pytest

from core.optim.presets import COURSE, default_lr
from core.optim.registry import OPTIMIZERS
from core.optim.run import run_batch
from core.surfaces import get_surface
from viz.race import FRAMES, TRAIL, race


def _race(steps: int, surface: str = "beale"):
    s = get_surface(surface)
    xs, ys, z = s.grid(80)
    trajs = run_batch([(n, {"lr": default_lr(surface, n)}) for n in COURSE], s, s.starts[0], steps)
    paths = {OPTIMIZERS[n].title: t.points for n, t in zip(COURSE, trajs, strict=True)}
    fig = race(xs, ys, z, paths, s.minima, s.starts[0])
    return json.loads(pio.to_json(fig.to_dict(), validate=False)), paths


@pytest.fixture(scope="module")
def long_race():
    return _race(5000)


def test_frames_touch_only_the_path_traces(long_race):
    spec, paths = long_race
    n = len(paths)
    assert [t["name"] for t in spec["data"][:n]] == list(paths)  # a line per path, then one trace of their heads
    heads = spec["data"][n]
    assert heads["mode"] == "markers" and len(heads["marker"]["color"]) == n
    assert [t["name"] for t in spec["data"][n + 1:]] == ["minimum", "start"]  # never animated
    for frame in spec["frames"]:
        assert frame["traces"] == list(range(n + 1)) and len(frame["data"]) == n + 1


def test_the_map_is_a_layout_image_no_frame_can_remove(long_race):
    """plotly.js redraws only the traces a frame names and drops the layers of every other trace type: so every
    trace is a scatter (the animated type) and the map is a layout image below them."""
    spec, _ = long_race
    assert {t["type"] for t in spec["data"]} == {"scatter"}
    (img,) = spec["layout"]["images"]
    assert img["layer"] == "below" and img["source"].startswith("data:image/png;base64,")
    assert all("images" not in f.get("layout", {}) for f in spec["frames"])


def test_a_long_race_ships_a_bounded_number_of_frames_ending_at_the_last_step(long_race):
    spec, paths = long_race
    names = [int(f["name"]) for f in spec["frames"]]
    assert len(names) <= FRAMES <= 100 and names[0] == 0 and names[-1] == 5000 and names == sorted(names)
    assert [int(s["label"]) for s in spec["layout"]["sliders"][0]["steps"]] == names
    lines = spec["frames"][-1]["data"][:len(paths)]
    assert all(len(np.frombuffer(base64.b64decode(t["x"]["bdata"]), np.float32)) <= TRAIL + 1
               for t in lines)


def _luminance(hex_color: str) -> float:
    rgb = np.array([int(hex_color[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    lin = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(lin @ [0.2126, 0.7152, 0.0722])


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    hi, lo = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_play_label_has_its_own_readable_colours(long_race):
    """The buttons set their face and label colours (the dark theme's light page text on plotly's light face
    made "Play" unreadable); WCAG AA for text: contrast >= 4.5."""
    spec, _ = long_race
    (menu,) = spec["layout"]["updatemenus"]
    assert [b["label"] for b in menu["buttons"]] == ["▶ Play", "❚❚ Pause"]
    assert contrast(menu["font"]["color"], menu["bgcolor"]) >= 4.5
