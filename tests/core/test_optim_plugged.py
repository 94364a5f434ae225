"""The step with numbers plugged in lands exactly on the engine's next point, for every optimizer and setting."""

import numpy as np
import pytest

from core.optim_plugged import num, plugged, vec
from core.optimizers import OPTIMIZERS, run
from core.surfaces import get_surface
from tests.core.test_optimizers import EXTRA, THIRD

SURF = get_surface("quadratic", kappa=30.0, angle=25.0)
SETTINGS = {"defaults": {}, "extra": EXTRA, "third": THIRD}
CASES = [(o, k) for o in OPTIMIZERS for k in SETTINGS]
LR = {"adadelta": 0.5, "adagrad": 0.3}


@pytest.mark.parametrize("opt, setting", CASES, ids=[f"{o}-{k}" for o, k in CASES])
def test_result_is_the_engines_next_point(opt, setting):
    traj = run(opt, SURF, (-2.5, 2.0), 30, **{"lr": LR.get(opt, 1e-2), **SETTINGS[setting].get(opt, {})})
    for k in (0, 1, 7, 29):
        step = plugged(traj, k)
        np.testing.assert_allclose(step.result, traj.points[k + 1], rtol=1e-12, atol=1e-15, err_msg=f"k={k}")
        assert step.step == k + 1
        assert step.lines[-1].startswith(r"\theta_t &=")
        assert step.lines[-1].endswith(vec(traj.points[k + 1]))  # the shown result is the engine's point
        assert step.lines[0].startswith("g_t &=") and vec(traj.grads[k]) in step.lines[0]


def test_adam_lines_show_the_bias_correction():
    traj = run("adam", "beale", (1.0, 1.5), 5, lr=0.1)
    lines = plugged(traj, 0).lines
    assert [ln.split(" &=")[0] for ln in lines] == ["g_t", "m_t", "v_t", r"\hat m_t", r"\hat v_t", r"\theta_t"]
    assert "(1 - 0.9^{1})" in lines[3]


def test_weight_decay_is_shown_in_the_gradient():
    traj = run("sgd", "beale", (1.0, 1.5), 5, lr=1e-3, weight_decay=0.1)
    assert r"\lambda\theta_{t-1}" in plugged(traj, 2).lines[0]


def test_radam_switches_to_the_rectified_step():
    traj = run("radam", "beale", (1.0, 1.5), 10, lr=1e-3)
    assert r"\rho_t \le 5" in plugged(traj, 0).lines[-1]
    assert any(ln.startswith("r_t") for ln in plugged(traj, 8).lines)


def test_numbers_are_latex():
    assert num(1.23456789e-7) == r"1.2346\times10^{-7}"
    assert num(-0.5) == "-0.5"


def test_steps_outside_the_run_are_refused():
    traj = run("sgd", "beale", (1.0, 1.5), 100, lr=10.0)
    assert traj.diverged_at is not None
    with pytest.raises(ValueError, match="not in this run"):
        plugged(traj, traj.diverged_at)
    with pytest.raises(ValueError):
        plugged(run("sgd", "beale", (1.0, 1.5), 5), 5)
