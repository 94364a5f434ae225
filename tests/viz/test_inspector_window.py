"""The step inspector's zoomed map: the whole grid's levels, cut to the cells around the view, made once."""

import numpy as np

from core.optim.run import run
from core.surfaces import get_surface
from viz.contours import landscape, window
from viz.inspector import step_view


def _view(k: int, heights=None):
    s = get_surface("beale")
    xs, ys, z = s.grid(160)
    t = run("adam", s, (1.0, 1.5), 200, lr=0.05)
    fig = step_view(xs, ys, z, "Adam", t.points, t.grads, t.state, k, s.minima, heights=heights)
    return fig, (xs, ys, z)


def test_the_zoomed_map_sends_only_the_cells_around_the_view_with_the_whole_grids_levels():
    fig, (xs, ys, z) = _view(40)
    full = landscape(xs, ys, z)
    (trace,) = [t for t in fig.data if t.type == "contour"]
    xr, yr = fig.layout.xaxis.range, fig.layout.yaxis.range
    x, y = np.asarray(trace.x), np.asarray(trace.y)
    # the cells cover the view with room to pan, and are a small part of the 160 x 160 grid
    assert x[0] <= xr[0] and x[-1] >= xr[1] and y[0] <= yr[0] and y[-1] >= yr[1]
    assert np.asarray(trace.z).size < 0.1 * full["z"].size
    # same levels, same heights: the lines in view are the whole map's lines
    assert (trace.contours.start, trace.contours.end, trace.contours.size) == (
        full["contours"]["start"], full["contours"]["end"], full["contours"]["size"])
    i, j = np.searchsorted(ys, y[0]), np.searchsorted(xs, x[0])
    np.testing.assert_array_equal(np.asarray(trace.z), full["z"][i:i + len(y), j:j + len(x)])


def test_a_step_move_reuses_the_trace_made_once(monkeypatch):
    fig, (xs, ys, z) = _view(10)
    heights = landscape(xs, ys, z)
    import viz.contours as contours
    import viz.inspector as inspector

    def refuse(*a, **k):
        raise AssertionError("the whole grid was traced again")

    monkeypatch.setattr(inspector, "landscape", refuse)
    monkeypatch.setattr(contours, "log_height", refuse)
    for k in (0, 11, 57):
        again, _ = _view(k, heights=heights)
        assert [t for t in again.data if t.type == "contour"]


def test_a_window_past_the_grid_edge_stops_at_the_edge():
    s = get_surface("beale")
    full = landscape(*s.grid(160))
    cut = window(full, [-100.0, -90.0], [-100.0, 100.0])
    assert len(cut["x"]) <= 2 and len(cut["y"]) == 160
