"""Sweeps: every cell is the run it stands for; metrics, sentinels, progress and bad input."""

import numpy as np
import pytest

from core.optimizers import run, sweep

LRS, MOMS = np.geomspace(1e-4, 2e-2, 5), np.linspace(0.0, 0.95, 4)


def test_sweep_cells_equal_single_runs():
    z = sweep("momentum", "beale", (1.0, 1.5), 80, x=("lr", LRS), y=("momentum", MOMS))
    assert z.shape == (4, 5) and np.isinf(z).any() and np.isfinite(z).any()  # the grid spans both outcomes
    for i in range(4):
        for j in range(5):
            t = run("momentum", "beale", (1.0, 1.5), 80, lr=LRS[j], momentum=MOMS[i])
            expected = np.inf if t.diverged_at is not None else t.losses[-1]
            assert z[i, j] == pytest.approx(expected, rel=1e-12), (i, j)


def test_steps_to_tolerance_cells_equal_single_runs():
    lrs, b1 = np.array([1e-3, 0.05, 0.3, 30.0]), np.array([0.5, 0.9])
    z = sweep("adam", "quadratic", (-2.5, 2.0), 300, x=("lr", lrs), y=("beta1", b1), metric="steps_to_tol", tol=1e-6)
    for i in range(2):
        for j in range(4):
            t = run("adam", "quadratic", (-2.5, 2.0), 300, lr=lrs[j], betas=(b1[i], 0.999))
            hit = np.flatnonzero(t.losses <= 1e-6)
            expected = hit[0] if len(hit) else (np.inf if t.diverged_at is not None else 301)
            assert z[i, j] == expected, (i, j)
    assert z[0, 0] == 301 and 0 < z[1, 1] <= 300


def test_other_hyper_parameters_pass_through():
    z = sweep("rmsprop", "beale", (1.0, 1.5), 50, x=("lr", [1e-3, 1e-2]), y=("alpha", [0.9]), centered=True)
    t = run("rmsprop", "beale", (1.0, 1.5), 50, lr=1e-2, alpha=0.9, centered=True)
    assert z[0, 1] == pytest.approx(t.losses[-1], rel=1e-12)


def test_progress_is_reported_and_ends_at_one():
    seen = []
    sweep("sgd", "beale", (1.0, 1.5), 200, x=("lr", [1e-3]), y=("weight_decay", [0.0]), progress=seen.append)
    assert 20 <= len(seen) <= 60 and seen == sorted(seen) and seen[-1] == pytest.approx(1.0)


def test_a_diverging_cell_does_not_poison_its_neighbours():
    z = sweep("sgd", "beale", (1.0, 1.5), 100, x=("lr", [1e-3, 10.0, 2e-3]), y=("weight_decay", [0.0]))
    assert np.isinf(z[0, 1]) and np.isfinite(z[0, [0, 2]]).all()
    assert z[0, 0] == pytest.approx(run("sgd", "beale", (1.0, 1.5), 100, lr=1e-3).losses[-1], rel=1e-12)


@pytest.mark.parametrize("kwargs, words", [
    ({"metric": "best"}, "Unknown metric"), ({"y": ("momentum", [-0.5])}, "momentum"),
    ({"x": ("lr", [-1.0])}, "lr"), ({"y": ("beta1", [0.5])}, "no hyper-parameter beta1"),
])
def test_bad_sweeps_raise_value_errors(kwargs, words):
    args = {"x": ("lr", [1e-3]), "y": ("momentum", [0.9]), **kwargs}
    with pytest.raises(ValueError, match=words):
        sweep("momentum", "beale", (1.0, 1.5), 10, **args)
