"""State over time: constant-within-rounding series draw flat; real changes are kept."""

import base64
import json

import numpy as np

from core.optim.run import run
from core.optim.state import series
from viz.state_time import state_time, steady


def _array(v) -> np.ndarray:
    """A trace array from figure JSON: a list, or plotly's base64 typed array {"dtype", "bdata"}."""
    if isinstance(v, dict):
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"]).astype(float)
    return np.asarray([np.nan if x is None else x for x in v], dtype=float)


def _ys(fig) -> list[np.ndarray]:
    return [_array(t["y"]) for t in json.loads(fig.to_json())["data"]]  # what the browser receives


def test_sgd_step_size_is_one_flat_line_not_float_noise():
    traj = run("sgd", "beale", (1.0, 1.5), 500, lr=0.01)
    raw = traj.state["effective_lr"]  # |dtheta| / |g| as the run measured it: the inspector's series
    assert np.nanmax(raw) != np.nanmin(raw)  # float noise: 0.0099999999999941 ... 0.0100000000000068
    for y in _ys(state_time("SGD", {"eff_step": raw}, None, logx=True)):
        finite = y[np.isfinite(y)]
        assert finite.size and np.all(finite == 0.01)  # one value: plotly draws a flat line with clean ticks


def test_changing_series_are_drawn_as_computed():
    traj = run("adam", "beale", (1.0, 1.5), 300, lr=0.01)
    s = series(traj)
    fig = state_time("Adam", s, None, logx=False)
    drawn = _ys(fig)
    assert any(np.nanmax(y) > 2 * np.nanmin(y) for y in drawn if np.isfinite(y).any())
    np.testing.assert_array_equal(steady(s["exp_avg"][:, 0]), s["exp_avg"][:, 0])


def test_steady_keeps_gaps_and_small_but_real_changes():
    y = np.array([np.nan, 0.01 + 1e-15, 0.01 - 2e-15, 0.01, np.nan])
    np.testing.assert_array_equal(steady(y), [np.nan, 0.01, 0.01, 0.01, np.nan])
    real = np.array([1.0, 1.0 + 1e-6, 1.0])
    np.testing.assert_array_equal(steady(real), real)
    np.testing.assert_array_equal(steady(np.full(3, np.nan)), np.full(3, np.nan))
