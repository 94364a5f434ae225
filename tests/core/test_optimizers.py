"""Every optimizer on every surface against the real torch.optim class, stepped with autograd in float64."""

import numpy as np
import pytest
import torch

from core.optimizers import MAX_STEPS, OPTIMIZERS, run, run_batch, sweep
from core.surfaces import SURFACES, get_surface

STEPS = 300
# Learning rates at which each surface is not chaotic for any rule, so float64 rounding cannot be amplified.
SAFE_LR = {"beale": 1e-3, "long_valley": 1e-2, "saddle": 1e-2, "rosenbrock": 2e-4, "himmelblau": 1e-3,
           "rastrigin": 1e-3, "quadratic": 1e-2, "custom": 3e-3}
EXTRA = {  # a second setting per optimizer that exercises its other hyper-parameters
    "sgd": {"weight_decay": 0.1}, "momentum": {"momentum": 0.5, "dampening": 0.3}, "nesterov": {"momentum": 0.7},
    "adagrad": {"lr_decay": 0.01, "initial_accumulator_value": 0.1}, "adadelta": {"rho": 0.5, "weight_decay": 0.05},
    "rmsprop": {"centered": True, "momentum": 0.5}, "adam": {"betas": (0.5, 0.9), "weight_decay": 0.1},
    "adamw": {"weight_decay": 0.3}, "amsgrad": {"betas": (0.8, 0.99)}, "adamax": {"betas": (0.7, 0.9)},
    "nadam": {"momentum_decay": 0.01}, "radam": {"betas": (0.9, 0.9)}, "rprop": {"etas": (0.3, 1.5)},
}
SURFACE_CASES = [*SURFACES, "custom"]


def _surface(name):
    return get_surface("custom", expr="x**2/4 + sin(y) + 0.1*x*y") if name == "custom" else get_surface(name)


def torch_points(name: str, surface, start, steps: int, **hyper) -> np.ndarray:
    """The oracle: torch.optim stepping the same surface with autograd."""
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = OPTIMIZERS[name].make_torch([p], **hyper)
    out = [p.detach().clone().numpy()]
    for _ in range(steps):
        opt.zero_grad()
        surface.torch_value(p).backward()
        opt.step()
        out.append(p.detach().clone().numpy())
    return np.array(out)


def _hyper(opt: str, surf: str, extra: bool) -> dict:
    lr = {"adadelta": 0.05 if surf == "rosenbrock" else 0.5, "rprop": 1e-2}.get(opt, SAFE_LR[surf])
    return {"lr": lr, **(EXTRA[opt] if extra else {})}


@pytest.mark.parametrize("extra", [False, True], ids=["defaults", "extra"])
@pytest.mark.parametrize("surf", SURFACE_CASES)
@pytest.mark.parametrize("opt", list(OPTIMIZERS))
def test_matches_torch_optim(opt, surf, extra):
    s = _surface(surf)
    hyper = _hyper(opt, surf, extra)
    traj = run(opt, s, s.starts[0], STEPS, **hyper)
    ref = torch_points(opt, s, s.starts[0], STEPS, **hyper)
    n = traj.diverged_at or STEPS + 1
    np.testing.assert_allclose(traj.points[:n], ref[:n], rtol=1e-9, atol=1e-9)
    if traj.diverged_at is not None:  # torch went on to where we stopped: beyond the bound or non-finite
        bad = ref[traj.diverged_at]
        assert not np.all(np.isfinite(bad)) or np.max(np.abs(bad)) > s.bound


def test_losses_and_grads_are_those_of_the_points():
    s = SURFACES["beale"]
    t = run("adam", s, (1.0, 1.5), 50, lr=0.01)
    np.testing.assert_allclose(t.losses, s.value(t.points))
    np.testing.assert_allclose(t.grads, s.grad(t.points))
    assert t.points.shape == (51, 2) and set(t.state) == set(OPTIMIZERS["adam"].state_names)


def test_batch_equals_single_runs():
    configs = [("sgd", {"lr": 0.01}), ("adam", {"lr": 0.05}), ("momentum", {"lr": 0.001})]
    starts = np.array([[1.0, 1.5], [-2.0, 2.5]])
    trajs = run_batch(configs, "beale", starts, 100)
    assert len(trajs) == 6
    for i, (name, h) in enumerate(configs):
        for j, start in enumerate(starts):
            np.testing.assert_array_equal(trajs[i * 2 + j].points, run(name, "beale", start, 100, **h).points)


def test_divergence_stops_only_that_run():
    slow, wild = run_batch([("sgd", {"lr": 1e-3}), ("sgd", {"lr": 5.0})], "beale", (1.0, 1.5), 200)
    assert slow.diverged_at is None and np.all(np.isfinite(slow.points))
    assert wild.diverged_at is not None and wild.diverged_at <= 200
    assert np.isnan(wild.points[wild.diverged_at:]).all() and np.isfinite(wild.points[: wild.diverged_at]).all()


def test_zero_lr_does_not_move():
    t = run("adam", "beale", (1.0, 1.5), 10, lr=0.0)
    assert np.all(t.points == [1.0, 1.5])


@pytest.mark.parametrize("bad", [{"lr": -1.0}, {"betas": (1.0, 0.9)}, {"eps": float("nan")}, {"momentum": 0.9}])
def test_bad_hyper_parameters_raise_clear_errors(bad):
    with pytest.raises(ValueError, match="Adam"):
        run("adam", "beale", (1.0, 1.5), 5, **bad)


@pytest.mark.parametrize("kwargs", [{"steps": MAX_STEPS + 1}, {"steps": -1}, {"start": (float("nan"), 0.0)}])
def test_bad_run_arguments(kwargs):
    args = {"start": (1.0, 1.5), "steps": 5, **kwargs}
    with pytest.raises(ValueError):
        run("sgd", "beale", **args)


def test_unknown_names():
    with pytest.raises(ValueError, match="Unknown optimizer"):
        run("lbfgs", "beale")
    with pytest.raises(ValueError, match="Unknown surface"):
        run("sgd", "moon")


def test_sweep_cells_equal_single_runs():
    lrs, moms = np.geomspace(1e-4, 1e-1, 5), np.linspace(0.0, 0.9, 4)
    z = sweep("momentum", "beale", (1.0, 1.5), 80, x=("lr", lrs), y=("momentum", moms))
    assert z.shape == (4, 5)
    for i, j in [(0, 0), (2, 3), (3, 4)]:
        t = run("momentum", "beale", (1.0, 1.5), 80, lr=lrs[j], momentum=moms[i])
        expected = np.inf if t.diverged_at is not None else t.losses[-1]
        assert z[i, j] == pytest.approx(expected, rel=1e-12)


def test_sweep_steps_to_tolerance_and_progress():
    seen = []
    z = sweep("adam", "quadratic", (-2.5, 2.0), 300, x=("lr", np.array([1e-3, 0.1])), y=("beta1", np.array([0.9])),
              metric="steps_to_tol", tol=1e-6, progress=seen.append)
    assert z[0, 0] == 301 and 0 < z[0, 1] <= 300
    assert seen and seen[-1] == pytest.approx(1.0)
