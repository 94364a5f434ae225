"""Every schedule against the real torch.optim.lr_scheduler: the lr sequence, and trajectories stepped together."""

import math
import warnings

import numpy as np
import pytest
import torch

from core.optim.schedules import SCHEDULES, inverse_sqrt_factor, lrs, momenta, resolve, torch_scheduler
from core.optimizers import OPTIMIZERS, run, run_batch
from core.surfaces import get_surface
from tests.core.test_optimizers import first_exit

# Settings that cross every branch within 300 steps: StepLR's drops, the cosine's bottom and its restart bump,
# SequentialLR's milestone, CyclicLR's turning points in each mode, OneCycleLR's phases, the plateau's patience,
# cooldown, min_lr and eps, both modes and both threshold modes.
CASES = {
    "constant": [{}],
    "step": [{}, {"step_size": 7, "gamma": 0.3}],
    "multistep": [{}, {"milestones": (3, 4, 50), "gamma": 0.7}],
    "piecewise": [{}, {"boundaries": (1, 40), "values": (0.5, 2.0, 0.0)}],
    "exponential": [{}, {"gamma": 0.97}],
    "power": [{}, {"s": 7.5, "c": 0.5}],
    "polynomial": [{"total_iters": 100}, {"total_iters": 37, "power": 2.5}],
    "linear": [{}, {"start_factor": 1.0, "end_factor": 0.05, "total_iters": 77}],
    "constant_factor": [{}, {"factor": 0.25, "total_iters": 13}],
    "cosine": [{"T_max": 40}, {"T_max": 13, "eta_min": 1e-4}],
    "warm_restarts": [{"T_0": 40}, {"T_0": 7, "T_mult": 2, "eta_min": 1e-4}],
    "warmup_cosine": [{"total_iters": 30, "T_max": 100}, {"start_factor": 0.5, "total_iters": 1, "T_max": 7,
                                                          "eta_min": 2e-4}],
    "inverse_sqrt": [{}, {"warmup_steps": 25}],
    "cyclic": [{"step_size_up": 20}, {"step_size_up": 6, "step_size_down": 14, "mode": "triangular2"},
               {"base_lr": 2e-3, "max_lr": 8e-3, "step_size_up": 9, "mode": "exp_range", "gamma": 0.99},
               {"step_size_up": 12, "cycle_momentum": True},
               {"step_size_up": 5, "step_size_down": 9, "mode": "triangular2", "cycle_momentum": True,
                "base_momentum": 0.5, "max_momentum": 0.95}],
    "onecycle": [{"total_steps": 300}, {"total_steps": 300, "pct_start": 0.25, "anneal_strategy": "linear",
                                        "three_phase": True, "div_factor": 10.0, "final_div_factor": 100.0},
                 {"total_steps": 300, "cycle_momentum": False, "max_lr": 0.02}],
    "plateau": [{}, {"patience": 3, "cooldown": 5, "factor": 0.5, "min_lr": 1e-3},
                {"mode": "max", "threshold_mode": "abs", "threshold": 1e-3, "patience": 2}],
    "performance": [{}, {"factor": 0.9, "eps": 1e-3, "threshold_mode": "abs"}],
}
ALL = [(n, i) for n in SCHEDULES for i in range(len(CASES[n]))]
IDS = [f"{n}-{i}" for n, i in ALL]
# A loss that falls, stalls, wobbles and jumps: every ReduceLROnPlateau branch is crossed in 300 steps.
_t = np.arange(300)
LOSSES = 1.0 / (1.0 + 0.05 * _t) + 0.02 * np.sin(_t / 3.0) + 0.3 * (_t // 100) % 2


def test_every_registry_entry_has_cases():
    assert set(CASES) == set(SCHEDULES)


def torch_lrs(name: str, lr: float, steps: int, **params) -> tuple[list[float], list[float]]:
    """The lr and momentum torch's SGD(momentum) holds at each of its steps, with scheduler.step() (fed LOSSES[t - 1]
    for ReduceLROnPlateau) after every optimizer.step()."""
    p = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr, momentum=0.9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched = torch_scheduler(opt, name, **params)
        out, mom = [], []
        for t in range(steps):
            out.append(opt.param_groups[0]["lr"])
            mom.append(opt.param_groups[0]["momentum"])
            opt.step()
            if SCHEDULES[name].feedback:
                sched.step(LOSSES[t])
            elif sched is not None:
                sched.step()
    return out, mom


@pytest.mark.parametrize("name, i", ALL, ids=IDS)
def test_lr_and_momentum_sequences_are_torchs_bit_for_bit(name, i):
    ours = lrs(name, 0.037, 300, losses=LOSSES, **CASES[name][i])
    assert ours.shape == (300,)
    theirs, mom = torch_lrs(name, 0.037, 300, **CASES[name][i])
    np.testing.assert_array_equal(ours, theirs)
    cycled = momenta(name, 300, **CASES[name][i])
    np.testing.assert_array_equal(np.full(300, 0.9) if cycled is None else cycled, mom)
    assert len(set(theirs)) > 1 or name == "constant"  # the case does change the lr


def torch_points(opt_name, surface, start, steps, sched, **hyper):
    """torch's optimizer and scheduler; ReduceLROnPlateau steps on the loss at the new point after each step."""
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
            if SCHEDULES[sched[0]].feedback:
                with torch.no_grad():
                    s.step(surface.torch_value(p).item())
            elif s is not None:
                s.step()
            out.append(p.detach().clone().numpy())
    return np.array(out)


# Rules that read the lr differently: as a factor (sgd, rmsprop, adadelta), inside bias corrections (adam,
# adamax, nadam, radam), in decoupled decay (adamw), in lr_decay (adagrad), only at the first step (rprop).
OPTS = {"sgd": {"lr": 1e-3}, "momentum": {"lr": 1e-3}, "adagrad": {"lr": 0.05, "lr_decay": 0.01},
        "adadelta": {"lr": 0.5}, "rmsprop": {"lr": 1e-3}, "adam": {"lr": 0.01}, "adamw": {"lr": 0.01,
                                                                                         "weight_decay": 0.3},
        "adamax": {"lr": 0.01}, "nadam": {"lr": 0.01}, "radam": {"lr": 0.01}, "rprop": {"lr": 0.01}}


# Every optimizer with a schedule of each kind (recursive lr, cycled momentum, phases, loss-driven); every other
# setting with three contrasting rules (tests/core/test_schedule_momentum.py and test_schedule_plateau.py go on).
EVERY = {("step", 0), ("cyclic", 3), ("onecycle", 0), ("plateau", 1)}
TRAJ = [(o, n, i) for n, i in ALL for o in OPTS if (n, i) in EVERY or o in ("momentum", "adamw", "adagrad")]


@pytest.mark.parametrize("opt, name, i", TRAJ, ids=[f"{o}-{n}-{i}" for o, n, i in TRAJ])
def test_trajectory_matches_torch_optimizer_plus_scheduler(opt, name, i):
    s = get_surface("beale")
    sched = (name, CASES[name][i])
    ours = run(opt, s, (1.0, 1.5), 300, schedule=sched, **OPTS[opt])
    theirs = torch_points(opt, s, (1.0, 1.5), 300, sched, **OPTS[opt])
    assert ours.diverged_at == first_exit(theirs, s.bound)  # a cyclic peak may throw a run out: at torch's step
    end = ours.diverged_at or 301
    np.testing.assert_allclose(ours.points[:end], theirs[:end], rtol=1e-9, atol=1e-12)  # autograd's last bits


def test_a_race_with_mixed_lrs_and_per_config_schedules_matches_torch_run_by_run():
    s = get_surface("long_valley")
    configs = [("sgd", {"lr": 1e-3}), ("momentum", {"lr": 2e-3}), ("nesterov", {"lr": 1e-3}), ("adam", {"lr": 0.05}),
               ("adam", {"lr": 0.02}), ("rmsprop", {"lr": 1e-3})]
    scheds = [("cyclic", {"step_size_up": 15}), ("cosine", {"T_max": 80}), ("cyclic", {"step_size_up": 15}),
              ("step", {"step_size": 30}), ("plateau", {"patience": 2}), ("onecycle", {"total_steps": 200})]
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
    t = np.arange(50)
    assert lrs("power", 2.0, 50, s=10.0, c=1.5) == pytest.approx(2.0 / (1 + t / 10.0) ** 1.5)
    assert lrs("piecewise", 1.0, 8, boundaries=(2, 5), values=(1.0, 0.5, 0.1)) == pytest.approx(
        [1, 1, 0.5, 0.5, 0.5, 0.1, 0.1, 0.1])  # step t uses epoch t - 1: a boundary b takes effect at step b + 1
    assert lrs("multistep", 1.0, 8, milestones=(2, 5), gamma=0.5) == pytest.approx([1, 1, .5, .5, .5, .25, .25, .25])
    assert lrs("polynomial", 1.0, 12, total_iters=10, power=2.0) == pytest.approx(
        np.r_[(1 - np.arange(11) / 10) ** 2, 0.0])
    assert lrs("warm_restarts", 1.0, 31, T_0=10, T_mult=2)[[0, 5, 10, 20, 30]] == pytest.approx([1, .5, 1, .5, 1])
    one = lrs("onecycle", 1.0, 400, total_steps=100)
    assert one[0] == pytest.approx(1 / 25) and one[29] == 1.0 and one[99] == pytest.approx(1 / 25 / 1e4)
    assert (one[100:] == one[99]).all()  # torch raises after total_steps steps: the final lr is held instead


@pytest.mark.parametrize("name, params, word", [
    ("nope", {}, "Unknown schedule"), ("step", {"step_size": 0}, "whole number"), ("cosine", {"T_max": 2.5}, "whole"),
    ("step", {"gamma": -1.0}, "out of range"), ("cosine", {"eta_min": float("nan")}, "finite"),
    ("cyclic", {"mode": "zigzag"}, "mode"), ("exponential", {"lr": 1.0}, "no parameter"),
    ("warmup_cosine", {"start_factor": 2.0}, "out of range"), ("multistep", {"milestones": (5, 3)}, "increasing"),
    ("piecewise", {"values": (1.0,)}, "one value more"), ("onecycle", {"pct_start": 0.001}, "phase of no steps"),
    ("plateau", {"factor": 1.0}, "out of range"), ("plateau", {"mode": "lowest"}, "mode"),
    ("cyclic", {"cycle_momentum": 1}, "True or False"), ("onecycle", {"base_momentum": 0.0}, "out of range"),
    ("piecewise", {"boundaries": tuple(range(1, 40))}, "list of 1 to 32")])
def test_bad_parameters_are_refused_with_a_sentence(name, params, word):
    with pytest.raises(ValueError, match=word):
        resolve(name, **params)
    with pytest.raises(ValueError, match=word):
        run("sgd", "beale", steps=5, lr=1e-3, schedule=(name, params))


def test_a_plateau_lr_needs_the_losses():
    with pytest.raises(ValueError, match="depends on the run's loss"):
        lrs("plateau", 1e-3, 10)
