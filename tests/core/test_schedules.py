"""Every schedule against the real torch.optim.lr_scheduler: the lr sequence, and trajectories stepped together."""

import math
import warnings

import numpy as np
import pytest
import torch

from core.optimizers import OPTIMIZERS, run, run_batch
from core.schedules import SCHEDULES, inverse_sqrt_factor, lrs, resolve, torch_scheduler
from core.surfaces import get_surface
from tests.core.test_optimizers import first_exit

# Settings that cross every branch within 300 steps: StepLR's drops, the cosine's bottom and its restart bump,
# SequentialLR's milestone, CyclicLR's turning points in each mode.
CASES = {
    "constant": [{}],
    "step": [{}, {"step_size": 7, "gamma": 0.3}],
    "exponential": [{}, {"gamma": 0.97}],
    "cosine": [{"T_max": 40}, {"T_max": 13, "eta_min": 1e-4}],
    "warmup_cosine": [{"total_iters": 30, "T_max": 100}, {"start_factor": 0.5, "total_iters": 1, "T_max": 7,
                                                          "eta_min": 2e-4}],
    "inverse_sqrt": [{}, {"warmup_steps": 25}],
    "cyclic": [{"step_size_up": 20}, {"step_size_up": 6, "step_size_down": 14, "mode": "triangular2"},
               {"base_lr": 2e-3, "max_lr": 8e-3, "step_size_up": 9, "mode": "exp_range", "gamma": 0.99}],
}
ALL = [(n, i) for n in SCHEDULES for i in range(len(CASES[n]))]
IDS = [f"{n}-{i}" for n, i in ALL]


def test_every_registry_entry_has_cases():
    assert set(CASES) == set(SCHEDULES)


def torch_lrs(name: str, lr: float, steps: int, **params) -> list[float]:
    """The lr torch's optimizer holds at each of its steps, with scheduler.step() after every optimizer.step()."""
    p = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched = torch_scheduler(opt, name, **params)
        out = []
        for _ in range(steps):
            out.append(opt.param_groups[0]["lr"])
            opt.step()
            if sched is not None:
                sched.step()
    return out


@pytest.mark.parametrize("name, i", ALL, ids=IDS)
def test_lr_sequence_is_torchs_bit_for_bit(name, i):
    ours = lrs(name, 0.037, 300, **CASES[name][i])
    assert ours.shape == (300,)
    np.testing.assert_array_equal(ours, torch_lrs(name, 0.037, 300, **CASES[name][i]))


def torch_points(opt_name, surface, start, steps, sched, **hyper):
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = OPTIMIZERS[opt_name].make_torch([p], **hyper)
    out = [p.detach().clone().numpy()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = torch_scheduler(opt, sched[0], **sched[1])
        for _ in range(steps):
            opt.zero_grad()
            surface.torch_value(p).backward()
            opt.step()
            if s is not None:
                s.step()
            out.append(p.detach().clone().numpy())
    return np.array(out)


# Rules that read the lr differently: as a factor (sgd, rmsprop, adadelta), inside bias corrections (adam,
# adamax, nadam, radam), in decoupled decay (adamw), in lr_decay (adagrad), only at the first step (rprop).
OPTS = {"sgd": {"lr": 1e-3}, "momentum": {"lr": 1e-3}, "adagrad": {"lr": 0.05, "lr_decay": 0.01},
        "adadelta": {"lr": 0.5}, "rmsprop": {"lr": 1e-3}, "adam": {"lr": 0.01}, "adamw": {"lr": 0.01,
                                                                                         "weight_decay": 0.3},
        "adamax": {"lr": 0.01}, "nadam": {"lr": 0.01}, "radam": {"lr": 0.01}, "rprop": {"lr": 0.01}}


# Every optimizer with each schedule's first setting; the other settings with three contrasting rules.
TRAJ = [(o, n, i) for n, i in ALL for o in OPTS if i == 0 or o in ("momentum", "adamw", "adagrad")]


@pytest.mark.parametrize("opt, name, i", TRAJ, ids=[f"{o}-{n}-{i}" for o, n, i in TRAJ])
def test_trajectory_matches_torch_optimizer_plus_scheduler(opt, name, i):
    s = get_surface("beale")
    sched = (name, CASES[name][i])
    ours = run(opt, s, (1.0, 1.5), 300, schedule=sched, **OPTS[opt])
    theirs = torch_points(opt, s, (1.0, 1.5), 300, sched, **OPTS[opt])
    assert ours.diverged_at == first_exit(theirs, s.bound)  # a cyclic peak may throw a run out: at torch's step
    end = ours.diverged_at or 301
    np.testing.assert_allclose(ours.points[:end], theirs[:end], rtol=1e-9, atol=1e-12)


def test_a_race_with_mixed_lrs_and_per_config_schedules_matches_torch_run_by_run():
    s = get_surface("long_valley")
    configs = [("sgd", {"lr": 1e-3}), ("momentum", {"lr": 2e-3}), ("nesterov", {"lr": 1e-3}), ("adam", {"lr": 0.05})]
    scheds = [("cyclic", {"step_size_up": 15}), ("cosine", {"T_max": 80}), ("cyclic", {"step_size_up": 15}),
              ("step", {"step_size": 30})]
    trajs = run_batch(configs, s, (-7.0, 1.5), 200, schedule=scheds)
    for (n, h), sched, tr in zip(configs, scheds, trajs, strict=True):
        np.testing.assert_allclose(tr.points, torch_points(n, s, (-7.0, 1.5), 200, sched, **h), rtol=1e-9,
                                   atol=1e-12)


def test_constant_schedule_is_the_unscheduled_run():
    a = run("adam", "beale", (1.0, 1.5), 100, lr=0.01)
    b = run("adam", "beale", (1.0, 1.5), 100, lr=0.01, schedule=("constant", {}))
    np.testing.assert_array_equal(a.points, b.points)


def test_closed_forms():
    cos = lrs("cosine", 1.0, 101, T_max=100)
    assert cos[0] == 1.0 and cos[50] == pytest.approx(0.5, abs=1e-12) and cos[100] == pytest.approx(0.0, abs=1e-12)
    assert lrs("step", 1.0, 21, step_size=10, gamma=0.1)[[0, 9, 10, 20]] == pytest.approx([1, 1, 0.1, 0.01])
    assert inverse_sqrt_factor(99, 1) == pytest.approx(0.1) and inverse_sqrt_factor(4, 10) == pytest.approx(0.5)
    cyc = lrs("cyclic", 1e-3, 41, step_size_up=10)
    assert cyc[0] == pytest.approx(1e-3) and cyc[10] == pytest.approx(1e-2) and cyc[20] == pytest.approx(1e-3)
    warm = lrs("warmup_cosine", 1.0, 200, start_factor=0.1, total_iters=10, T_max=100)
    assert warm[0] == pytest.approx(0.1) and warm[10] == 1.0 and math.isclose(warm[110], 0.0, abs_tol=1e-12)


@pytest.mark.parametrize("name, params, word", [
    ("nope", {}, "Unknown schedule"), ("step", {"step_size": 0}, "whole number"), ("cosine", {"T_max": 2.5}, "whole"),
    ("step", {"gamma": -1.0}, "out of range"), ("cosine", {"eta_min": float("nan")}, "finite"),
    ("cyclic", {"mode": "zigzag"}, "mode"), ("exponential", {"lr": 1.0}, "no parameter"),
    ("warmup_cosine", {"start_factor": 2.0}, "out of range")])
def test_bad_parameters_are_refused_with_a_sentence(name, params, word):
    with pytest.raises(ValueError, match=word):
        resolve(name, **params)
    with pytest.raises(ValueError, match=word):
        run("sgd", "beale", steps=5, lr=1e-3, schedule=(name, params))
