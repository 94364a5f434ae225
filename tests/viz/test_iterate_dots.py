"""Goh's picture: a short run's iterates are dots on its path (their spacing is the speed); long runs stay lines."""

import json

import plotly.io as pio

from core.optim.presets import PRESETS
from core.optim.run import run_batch
from core.surfaces.registry import get_surface
from viz.contours import contour


def _paths(steps: int) -> list[dict]:
    p = PRESETS["goh"]
    surface = get_surface(p.surface, **p.params)
    trajs = run_batch(p.runs(), surface, p.start, steps)
    xs, ys, z = surface.grid(80)
    paths = {o: t.points for (o, _), t in zip(p.runs(), trajs, strict=True)}
    spec = json.loads(pio.to_json(contour(xs, ys, z, paths, surface.minima, p.start).to_dict(), validate=False))
    return [t for t in spec["data"] if t.get("name") in paths]


def test_goh_preset_draws_every_iterate_as_a_dot():
    lines = _paths(PRESETS["goh"].steps)
    assert lines and all(t["mode"] == "lines+markers" for t in lines)
    assert all(len(t["x"]["bdata"] if isinstance(t["x"], dict) else t["x"]) > 0 for t in lines)


def test_a_long_run_stays_a_plain_line():
    assert all(t["mode"] == "lines" for t in _paths(2000))
