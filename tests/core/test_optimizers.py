"""Every optimizer on every surface against the real torch.optim class, stepped with autograd in float64."""

import numpy as np
import pytest
import torch

from core.optimizers import MAX_STEPS, OPTIMIZERS, run, run_batch
from core.surfaces import SURFACES, get_surface

STEPS = 300
# Learning rates at which each surface is not chaotic for any rule, so float64 rounding cannot be amplified.
SAFE_LR = {"beale": 1e-3, "long_valley": 1e-2, "saddle": 1e-2, "rosenbrock": 2e-4, "himmelblau": 1e-3,
           "rastrigin": 1e-3, "quadratic": 1e-2, "quadratic_rotated": 1e-2, "custom": 3e-3,
           "v_valley": 1e-2}
EXTRA = {  # a second setting per optimizer that exercises its other hyper-parameters
    "sgd": {"weight_decay": 0.1}, "momentum": {"momentum": 0.5, "dampening": 0.3}, "nesterov": {"momentum": 0.7},
    "adagrad": {"lr_decay": 0.01, "initial_accumulator_value": 0.1}, "adadelta": {"rho": 0.5, "weight_decay": 0.05},
    "rmsprop": {"centered": True, "momentum": 0.5}, "adam": {"betas": (0.5, 0.9), "weight_decay": 0.1},
    "adamw": {"weight_decay": 0.3}, "amsgrad": {"betas": (0.8, 0.99)}, "adamax": {"betas": (0.7, 0.9)},
    "nadam": {"momentum_decay": 0.01}, "radam": {"betas": (0.9, 0.9)}, "rprop": {"etas": (0.3, 1.5)},
}
THIRD = {  # a third setting: the remaining switches and torch-default-free values
    "sgd": {"momentum": 0.3, "weight_decay": 0.05}, "momentum": {"momentum": 0.95, "weight_decay": 0.01},
    "nesterov": {"momentum": 0.99, "weight_decay": 0.02}, "adagrad": {"eps": 1e-3, "weight_decay": 0.1},
    "adadelta": {"rho": 0.99, "eps": 1e-3}, "rmsprop": {"alpha": 0.7, "momentum": 0.3, "weight_decay": 0.05},
    "adam": {"amsgrad": True, "eps": 1e-3}, "adamw": {"amsgrad": True, "betas": (0.3, 0.7)},
    "amsgrad": {"weight_decay": 0.2, "betas": (0.95, 0.9)}, "adamax": {"weight_decay": 0.1, "eps": 1e-3},
    "nadam": {"momentum_decay": 0.0, "weight_decay": 0.1, "betas": (0.3, 0.9)}, "radam": {"weight_decay": 0.1,
                                                                                        "betas": (0.5, 0.99)},
    "rprop": {"step_sizes": (1e-3, 0.05)},
}
SETTINGS = {"defaults": {}, "extra": EXTRA, "third": THIRD}
SURFACE_CASES = [*SURFACES, "quadratic_rotated", "custom"]


def _surface(name):
    if name == "custom":
        return get_surface("custom", expr="x**2/4 + sin(y) + 0.1*x*y")
    if name == "quadratic_rotated":
        return get_surface("quadratic", kappa=30.0, angle=25.0)
    return get_surface(name)


def torch_run(name: str, surface, start, steps: int, **hyper):
    """The oracle: torch.optim stepping the same surface with autograd; points (T+1, 2) and the optimizer."""
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = OPTIMIZERS[name].make_torch([p], **hyper)
    out = [p.detach().clone().numpy()]
    for _ in range(steps):
        opt.zero_grad()
        surface.torch_value(p).backward()
        opt.step()
        out.append(p.detach().clone().numpy())
    return np.array(out), opt, p


def torch_points(name: str, surface, start, steps: int, **hyper) -> np.ndarray:
    return torch_run(name, surface, start, steps, **hyper)[0]


def first_exit(points: np.ndarray, bound: float):
    """The engine's divergence rule applied to torch's points: first step >= 1 non-finite or beyond the bound."""
    out = ~(np.abs(points[1:]) <= bound).all(axis=1)
    return int(out.argmax()) + 1 if out.any() else None


def _hyper(opt: str, surf: str, setting: str) -> dict:
    lr = {"adadelta": 0.05 if surf == "rosenbrock" else 0.5, "rprop": 1e-2}.get(opt, SAFE_LR[surf])
    return {"lr": lr, **SETTINGS[setting].get(opt, {})}


# Every surface with two settings, and the third setting on three contrasting surfaces (keeps the suite short).
ORACLE_CASES = [(surf, k) for surf in SURFACE_CASES for k in ("defaults", "extra")] + [
    (surf, "third") for surf in ("beale", "quadratic_rotated", "custom")]


@pytest.mark.parametrize("surf, setting", ORACLE_CASES, ids=[f"{a}-{b}" for a, b in ORACLE_CASES])
@pytest.mark.parametrize("opt", list(OPTIMIZERS))
def test_matches_torch_optim(opt, surf, setting):
    s = _surface(surf)
    hyper = _hyper(opt, surf, setting)
    traj = run(opt, s, s.starts[0], STEPS, **hyper)
    ref = torch_points(opt, s, s.starts[0], STEPS, **hyper)
    assert traj.diverged_at == first_exit(ref, s.bound)
    n = traj.diverged_at or STEPS + 1
    np.testing.assert_allclose(traj.points[:n], ref[:n], rtol=1e-9, atol=_atol(s))


def _atol(s) -> float:
    """1e-9 of the surface's scale: where a coordinate crosses 0, relative error alone is meaningless.

    torch's CPU kernels fuse a + b*c into one FMA (add with alpha, addcmul, lerp) and NumPy has none, so the
    two agree to about an ulp per operation, not bit for bit; the difference stays far below this.
    """
    return 1e-9 * max(abs(v) for v in s.box)


# (optimizer, surface, lr): settings that leave the bound after a few steps (none is chaotic before).
DIVERGING = [("momentum", "beale", 0.0079), ("nesterov", "beale", 0.01), ("sgd", "quadratic", 0.2512),
             ("nadam", "quadratic", 25.1), ("adam", "rosenbrock", 7.94), ("adamax", "rosenbrock", 10.0),
             ("momentum", "rosenbrock", 0.004), ("radam", "beale", 0.0316),
             *[(o, "beale", 1e5 if o == "adadelta" else 300.0) for o in OPTIMIZERS]]


@pytest.mark.parametrize("opt, surf, lr", DIVERGING, ids=[f"{o}-{s}-{lr:g}" for o, s, lr in DIVERGING])
def test_divergence_happens_at_torchs_step(opt, surf, lr):
    s = get_surface(surf)
    traj = run(opt, s, s.starts[0], 100, lr=lr)
    ref = torch_points(opt, s, s.starts[0], 100, lr=lr)
    assert traj.diverged_at is not None and traj.diverged_at == first_exit(ref, s.bound)
    np.testing.assert_allclose(traj.points[: traj.diverged_at], ref[: traj.diverged_at], rtol=1e-9, atol=_atol(s))
    assert np.isnan(traj.points[traj.diverged_at:]).all() and np.isnan(traj.losses[traj.diverged_at:]).all()
    assert all(np.isnan(v[traj.diverged_at:]).all() for v in traj.state.values())


TORCH_STATE = {"velocity": "momentum_buffer"}  # our state name -> torch's, where they differ


@pytest.mark.parametrize("setting", ["defaults", "extra"])
@pytest.mark.parametrize("opt", list(OPTIMIZERS))
def test_state_matches_torch_state(opt, setting):
    s, steps = SURFACES["beale"], 40
    hyper = _hyper(opt, "beale", setting)
    traj = run(opt, s, s.starts[0], steps, **hyper)
    _, torch_opt, p = torch_run(opt, s, s.starts[0], steps, **hyper)
    compared = 0
    for name in OPTIMIZERS[opt].state_names:
        key = TORCH_STATE.get(name, name)
        if key in torch_opt.state[p]:
            np.testing.assert_allclose(traj.state[name][-1], torch_opt.state[p][key].numpy(), rtol=1e-9, atol=1e-15)
            compared += 1
    assert compared >= (0 if opt == "sgd" else 1)


def test_effective_lr_is_step_over_gradient():
    t = run("adam", "beale", (1.0, 1.5), 50, lr=0.01)
    eff = np.abs(np.diff(t.points, axis=0)) / np.abs(t.grads[:-1])
    np.testing.assert_allclose(t.state["effective_lr"][1:], eff)
    assert np.isnan(t.state["effective_lr"][0]).all()
    sgd = run("sgd", "beale", (1.0, 1.5), 20, lr=0.01)
    np.testing.assert_allclose(sgd.state["effective_lr"][1:], 0.01, rtol=1e-9)


def test_losses_and_grads_are_those_of_the_points():
    s = SURFACES["beale"]
    t = run("adam", s, (1.0, 1.5), 50, lr=0.01)
    np.testing.assert_allclose(t.losses, s.value(t.points))
    np.testing.assert_allclose(t.grads, s.grad(t.points))
    assert t.points.shape == (51, 2) and set(t.state) == set(OPTIMIZERS["adam"].state_names)
    assert t.optimizer == "adam" and t.hyper["lr"] == 0.01 and t.hyper["beta2"] == 0.999


def test_batch_equals_single_runs():
    configs = [("sgd", {"lr": 0.01}), ("adam", {"lr": 0.05}), ("momentum", {"lr": 0.001})]
    starts = np.array([[1.0, 1.5], [-2.0, 2.5]])
    trajs = run_batch(configs, "beale", starts, 100)
    assert len(trajs) == 6
    for i, (name, h) in enumerate(configs):
        for j, start in enumerate(starts):
            np.testing.assert_array_equal(trajs[i * 2 + j].points, run(name, "beale", start, 100, **h).points)


def test_mixed_settings_in_one_group_equal_single_runs():
    """Rows of one optimizer with different switches (columns, not scalars) give the same numbers."""
    configs = [(o, {"lr": 0.01, **SETTINGS[k].get(o, {})}) for o in OPTIMIZERS for k in SETTINGS]
    trajs = run_batch(configs, "himmelblau", (0.0, 0.0), 120)
    for (name, h), t in zip(configs, trajs, strict=True):
        single = run(name, "himmelblau", (0.0, 0.0), 120, **h)
        np.testing.assert_allclose(t.points, single.points, rtol=1e-13, atol=1e-14)
        for k in t.state:
            np.testing.assert_allclose(t.state[k], single.state[k], rtol=1e-13, atol=1e-14)


def test_divergence_stops_only_that_run():
    slow, wild, slow2 = run_batch([("sgd", {"lr": 1e-3}), ("sgd", {"lr": 5.0}), ("sgd", {"lr": 2e-3})], "beale",
                                  (1.0, 1.5), 200)
    assert slow.diverged_at is None and np.all(np.isfinite(slow.points)) and np.all(np.isfinite(slow2.points))
    assert wild.diverged_at is not None and wild.diverged_at <= 200
    assert np.isnan(wild.points[wild.diverged_at:]).all() and np.isfinite(wild.points[: wild.diverged_at]).all()
    np.testing.assert_array_equal(slow.points, run("sgd", "beale", (1.0, 1.5), 200, lr=1e-3).points)


def test_all_diverged_stops_early_and_keeps_full_length():
    t = run("sgd", "beale", (1.0, 1.5), MAX_STEPS, lr=10.0)
    assert t.diverged_at == 1 and t.points.shape == (MAX_STEPS + 1, 2) and np.isnan(t.points[1:]).all()


def test_zero_lr_does_not_move():
    for name in OPTIMIZERS:
        t = run(name, "beale", (1.0, 1.5), 10, lr=0.0)
        if name == "rprop":  # torch clamps Rprop's step sizes to step_size_min (1e-6) even from lr = 0
            np.testing.assert_allclose(t.points, torch_points(name, SURFACES["beale"], (1.0, 1.5), 10, lr=0.0))
        else:
            assert np.all(t.points == [1.0, 1.5]), name


@pytest.mark.parametrize("opt", list(OPTIMIZERS))
def test_every_optimizer_refuses_a_negative_lr(opt):
    with pytest.raises(ValueError, match=OPTIMIZERS[opt].title):
        run(opt, "beale", (1.0, 1.5), 5, lr=-1.0)
    with pytest.raises(ValueError):
        OPTIMIZERS[opt].make_torch([torch.zeros(2, requires_grad=True)], lr=-1.0)


@pytest.mark.parametrize("bad", [{"betas": (1.0, 0.9)}, {"betas": (0.9, -0.1)}, {"eps": float("nan")},
                                 {"momentum": 0.9}, {"lr": "fast"}, {"betas": (0.9,)}, {"weight_decay": -1.0}])
def test_bad_hyper_parameters_raise_clear_errors(bad):
    with pytest.raises(ValueError, match="Adam"):
        run("adam", "beale", (1.0, 1.5), 5, **bad)


@pytest.mark.parametrize("opt, bad, words", [
    ("momentum", {"momentum": -0.1}, "momentum"), ("nesterov", {"momentum": 0.0}, "Nesterov"),
    ("nesterov", {"dampening": 0.5}, "dampening"), ("rmsprop", {"alpha": 1.5}, "alpha"),
    ("adadelta", {"rho": 1.5}, "rho"), ("rprop", {"etas": (1.2, 0.5)}, "etaminus"),
    ("adagrad", {"lr_decay": -1.0}, "lr_decay"), ("nadam", {"momentum_decay": -1.0}, "momentum_decay"),
])
def test_rule_specific_validation(opt, bad, words):
    with pytest.raises(ValueError, match=words):
        run(opt, "beale", (1.0, 1.5), 5, **bad)


@pytest.mark.parametrize("kwargs", [{"steps": MAX_STEPS + 1}, {"steps": -1}, {"steps": 2.5},
                                    {"start": (float("nan"), 0.0)}, {"start": (1.0, 2.0, 3.0)}])
def test_bad_run_arguments(kwargs):
    args = {"start": (1.0, 1.5), "steps": 5, **kwargs}
    with pytest.raises(ValueError):
        run("sgd", "beale", **args)


def test_unknown_names():
    with pytest.raises(ValueError, match="Unknown optimizer"):
        run("lbfgs", "beale")
    with pytest.raises(ValueError, match="Unknown surface"):
        run("sgd", "moon")


def test_registry_is_complete_and_self_describing():
    assert list(OPTIMIZERS)[:7] == ["sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam"]
    for name, spec in OPTIMIZERS.items():
        assert spec.title and spec.latex and spec.note and "effective_lr" in spec.state_names
        assert spec.defaults["lr"] > 0 and "lr" in spec.hyper
        for h in spec.hyper.values():
            assert h.lo <= h.default <= h.hi, name
        spec.resolve(**spec.torch_defaults)  # torch-form defaults are accepted back
