"""The results table (core.optim.results) against the trajectories it sums up: final point, distance, steps to
tolerance, diverged / escaped, and the noise paths' summary."""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest

from core.optim.results import TOL, minimum_loss, off_map_at, paths_summary, results_table, run_result, steps_to_tol
from core.optim.run import run, run_batch
from core.surfaces.registry import get_surface

BEALE = get_surface("beale")  # one minimum, (3, 0.5), where f = 0 (closed form)


@cache
def _race():
    configs = [("sgd", {"lr": 0.01}), ("momentum", {"lr": 0.002}), ("adam", {"lr": 0.1}), ("sgd", {"lr": 10.0})]
    return dict(zip(["SGD", "Momentum", "Adam", "SGD at 10"], run_batch(configs, BEALE, (1.0, 1.5), 300),
                    strict=True))


def _first_within(losses, f_star, tol):
    """Oracle: a plain loop over the steps."""
    for k, v in enumerate(losses):
        if math.isfinite(v) and v - f_star <= tol:
            return k
    return None


def test_f_star_is_the_loss_at_the_known_minimum():
    assert minimum_loss(BEALE) == 0.0
    assert minimum_loss(get_surface("saddle")) is None  # unbounded below: no minimum
    himmelblau = get_surface("himmelblau")
    assert minimum_loss(himmelblau) == pytest.approx(0.0, abs=1e-10)


def test_rows_are_the_runs_final_points_in_order():
    rows = results_table(_race(), BEALE, TOL)
    assert [r["optimizer"] for r in rows] == list(_race())
    for r, t in zip(rows[:3], list(_race().values())[:3], strict=True):
        assert t.diverged_at is None and r["left"] is None and r["left_at"] is None
        assert (r["final_x"], r["final_y"]) == tuple(float(v) for v in t.points[300])
        x, y = t.points[300]
        assert r["final_loss"] == pytest.approx((1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2
                                                + (2.625 - x + x * y**3) ** 2, rel=1e-12)
        assert r["distance_to_minimum"] == pytest.approx(math.dist((x, y), (3.0, 0.5)), rel=1e-12)
        assert r["steps"] == 300 and r["tol"] == TOL


@pytest.mark.parametrize("tol", [1e-1, 1e-2, 1e-3, 1e-4])
def test_steps_to_tol_is_the_first_step_within_tol(tol):
    for name, t in _race().items():
        want = _first_within(t.losses, 0.0, tol)
        assert run_result(name, t, BEALE, tol)["steps_to_tol"] == want
        if want:  # the step before was still outside: it is the first
            assert t.losses[want] <= tol < t.losses[want - 1]
    # the default race splits over the page's tolerance: momentum and Adam reach it in 300 steps, SGD does not
    got = {r["optimizer"]: r["steps_to_tol"] for r in results_table(_race(), BEALE, 1e-3)}
    assert got["SGD"] is None and got["Momentum"] is not None and got["Adam"] is not None


def test_a_run_starting_within_tol_counts_step_zero_and_no_minimum_means_no_steps():
    at_min = run("sgd", BEALE, (3.0, 0.5), 5, lr=0.01)
    assert steps_to_tol(at_min.losses, 0.0, TOL) == 0
    assert steps_to_tol(at_min.losses, None, TOL) is None


def test_diverged_run_has_no_final_point_and_says_when():
    row = results_table(_race(), BEALE)[3]
    t = _race()["SGD at 10"]
    assert t.diverged_at is not None and not t.escaped
    assert row["left"] == "diverged" and row["left_at"] == t.diverged_at
    assert row["final_x"] is None and row["final_loss"] is None and row["distance_to_minimum"] is None
    assert row["steps_to_tol"] == _first_within(t.losses, 0.0, TOL)


def test_escaped_run_on_the_saddle():
    saddle = get_surface("saddle")
    trajs = run_batch([("adadelta", {"lr": 1.0}), ("sgd", {"lr": 0.01})], saddle, (-1.8, 1e-3), 300)
    rows = results_table(dict(zip(["Adadelta", "SGD"], trajs, strict=True)), saddle)
    assert trajs[0].escaped and rows[0]["left"] == "escaped"
    # an escape is dated where the map shows it: the first step off the view box, before the run stops at 10x it
    k = rows[0]["left_at"]
    assert k < trajs[0].diverged_at and off_map_at(trajs[0].points[:k], saddle.box) is None
    x, y = trajs[0].points[k]
    assert not (saddle.box[0] <= x <= saddle.box[1] and saddle.box[2] <= y <= saddle.box[3])
    assert trajs[1].diverged_at is None and rows[1]["left"] is None
    # no known minimum: no distance, no steps to it, but the final point is there
    assert rows[1]["distance_to_minimum"] is None and rows[1]["steps_to_tol"] is None
    assert rows[1]["final_x"] == float(trajs[1].points[-1, 0])


def test_distance_is_to_the_nearest_of_several_minima():
    him = get_surface("himmelblau")
    t = run("adam", him, (-1.0, -1.0), 200, lr=0.1)
    row = run_result("Adam", t, him)
    want = min(math.dist(t.points[-1], m) for m in him.minima)
    assert row["distance_to_minimum"] == pytest.approx(want, rel=1e-12)


def test_noise_paths_summary_counts_every_path():
    trajs = run_batch([("sgd", {"lr": 0.01}), ("adam", {"lr": 0.1})], BEALE, (1.0, 1.5), 300,
                      noise=("additive", 0.5), seed=0, paths=4)
    for i in range(2):
        paths = trajs[4 * i:4 * (i + 1)]
        s = paths_summary(paths, BEALE, TOL)
        hits = [k for t in paths if (k := _first_within(t.losses, 0.0, TOL)) is not None]
        finals = [t.losses[-1] for t in paths if t.diverged_at is None]
        assert s["paths"] == 4 and s["reached_tol"] == len(hits)
        assert s["median_steps_to_tol"] == (float(np.median(hits)) if hits else None)
        assert s["median_final_loss"] == pytest.approx(float(np.median(finals)))
        assert s["paths_left"] == sum(t.diverged_at is not None for t in paths)
    named = {"SGD": trajs[0], "Adam": trajs[4]}
    summary = {"SGD": paths_summary(trajs[:4], BEALE), "Adam": paths_summary(trajs[4:], BEALE)}
    rows = results_table(named, BEALE, TOL, summary)
    assert rows[1]["paths"] == 4 and rows[1]["paths_reached_tol"] == summary["Adam"]["reached_tol"]
    assert rows[1]["paths_left"] == summary["Adam"]["paths_left"]
    assert rows[0]["final_x"] == float(trajs[0].points[-1, 0])  # the row itself is path 0
