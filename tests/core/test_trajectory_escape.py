"""A run that leaves the box downhill on a surface unbounded below has escaped, not diverged."""

import numpy as np
import pytest

from core.optim.run import run, run_batch
from core.optim.trajectory import box_floor
from core.surfaces import get_surface

SADDLE_START = (-1.8, 1e-3)  # just off the ridge y = 0 of x^2 - y^2


def test_box_floor_is_the_lowest_loss_in_the_view_box():
    assert box_floor(get_surface("saddle")) == pytest.approx(-4.0)  # the corners (±2, ±2)
    assert box_floor(get_surface("beale")) == pytest.approx(0.0, abs=1e-6)  # its minimum (3, 0.5)


@pytest.mark.parametrize("optimizer, lr", [("adam", 0.05), ("momentum", 0.01), ("adadelta", 1.0), ("adam", 5.0)])
def test_leaving_the_saddle_downhill_is_an_escape(optimizer, lr):
    s = get_surface("saddle")
    t = run(optimizer, s, SADDLE_START, 600, lr=lr)
    assert t.diverged_at is not None and t.escaped
    last = t.losses[t.diverged_at - 1]
    assert last < t.losses[0] and np.isnan(t.losses[t.diverged_at])  # downhill all the way out, blanked after


def test_blowing_up_is_divergence_even_on_the_saddle_and_on_beale():
    sgd = run("sgd", "saddle", SADDLE_START, 100, lr=1.5)  # x flips sign and doubles: f = x^2 - y^2 explodes up
    assert sgd.diverged_at is not None and not sgd.escaped
    assert np.nanmax(sgd.losses) > sgd.losses[0]
    for t in run_batch([("sgd", {"lr": 5.0}), ("adam", {"lr": 50.0})], "beale", (1.0, 1.5), 300):
        assert not t.escaped  # Beale is bounded below by its minimum in the box: nothing can escape it
    assert run_batch([("sgd", {"lr": 5.0})], "beale", (1.0, 1.5), 300)[0].diverged_at is not None


def test_runs_that_stay_inside_are_neither():
    t = run("sgd", "saddle", SADDLE_START, 100, lr=0.001)
    assert t.diverged_at is None and not t.escaped
