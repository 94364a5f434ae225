"""The loss-gap chart of a race: a run that escaped downhill is not drawn as converged, a converged one still is."""

import numpy as np
import pytest

from core.optim.run import run_batch
from core.surfaces import get_surface
from viz.losses import FLOOR, losses


def _y(trace) -> np.ndarray:
    return np.asarray(trace.y, dtype=float)


def test_escapers_leave_the_chart_with_a_triangle_instead_of_lying_at_the_floor():
    s = get_surface("saddle")
    trajs = run_batch([("adam", {"lr": 0.05}), ("sgd", {"lr": 0.001})], s, (-1.8, 1e-3), 600)
    assert trajs[0].escaped and trajs[1].diverged_at is None
    floor = float(np.nanmin(s.grid(160)[2]))  # the saddle has no minimum: the page's floor is the grid's lowest
    fig = losses({"Adam": trajs[0].losses, "SGD": trajs[1].losses}, floor,
                 {"Adam": trajs[0].diverged_at, "SGD": None}, escaped={"Adam"})
    adam = _y(fig.data[0])
    assert np.nanmin(adam) > 1e3 * FLOOR  # before: the escape's last ~100 steps drawn at 1e-16, "converged"
    assert np.isnan(adam[-1])
    (mark,) = [t for t in fig.data if t.mode == "markers"]
    assert mark.marker.symbol == "triangle-down" and "escaped downhill at step" in mark.hovertemplate
    last = np.flatnonzero(np.isfinite(adam))[-1]  # the triangle sits where the line ends
    assert mark.x[0] == fig.data[0].x[last] and mark.y[0] == pytest.approx(adam[last], rel=1e-6)


def test_a_converged_run_still_reaches_the_floor():
    s = get_surface("quadratic")
    (t,) = run_batch([("adam", {"lr": 0.1})], s, (-2.5, 2.0), 2000)
    fig = losses({"Adam": t.losses}, 0.0, {"Adam": None})
    y = _y(fig.data[0])
    assert not np.isnan(y).any() and y.min() <= 1e-12
