"""CyclicLR follows torch's defaults: it cycles the momentum (or beta1) unless told not to, checked against
torch.optim.lr_scheduler.CyclicLR built with torch's own defaults, in float64."""

import inspect

import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler as tls

from core.optim.registry import OPTIMIZERS
from core.optim.run import run
from core.optim.schedules import SCHEDULES, lrs, momenta
from core.surfaces import get_surface

S = get_surface("beale")
STEPS, UP = 120, 15
# Where the registry departs from torch on purpose: the lrs (None: the run's own) and the cycle's length (torch's
# 2000-step half cycle and OneCycleLR's required total_steps are longer than a race).
OWN = {"cyclic": {"base_lr", "max_lr", "step_size_up"}, "onecycle": {"max_lr", "total_steps"}}


@pytest.mark.parametrize("name", OWN)
def test_every_other_default_is_torchs(name):
    sig = inspect.signature(getattr(tls, SCHEDULES[name].torch_name)).parameters
    shared = set(SCHEDULES[name].defaults) - OWN[name]
    assert shared <= set(sig)
    assert {k: SCHEDULES[name].defaults[k] for k in shared} == {k: sig[k].default for k in shared}
    assert SCHEDULES[name].defaults["cycle_momentum"] is True


def _torch_held(opt_name: str, steps: int, **hyper):
    """lr and momentum (betas[0] for the Adam family) torch holds at steps 1..steps under a default CyclicLR."""
    p = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    opt = OPTIMIZERS[opt_name].make_torch([p], **hyper)
    sched = tls.CyclicLR(opt, base_lr=hyper["lr"], max_lr=3 * hyper["lr"], step_size_up=UP)  # torch's defaults
    lr, mom = [], []
    for _ in range(steps):
        g = opt.param_groups[0]
        lr.append(g["lr"])
        mom.append(g["betas"][0] if "betas" in g else g["momentum"])
        opt.step()
        sched.step()
    return lr, mom


@pytest.mark.parametrize("opt", ["momentum", "adam"])
def test_default_lr_and_momentum_per_step_are_torchs_default_cyclic(opt):
    lr, mom = _torch_held(opt, STEPS, lr=0.01)
    np.testing.assert_array_equal(lrs("cyclic", 0.01, STEPS, step_size_up=UP, max_lr=0.03), lr)
    np.testing.assert_array_equal(momenta("cyclic", STEPS, step_size_up=UP), mom)
    assert min(mom) == 0.8 and max(mom) == 0.9


def _torch_points(opt_name: str, steps: int, lr: float) -> np.ndarray:
    p = torch.tensor((1.0, 1.5), dtype=torch.float64, requires_grad=True)
    opt = OPTIMIZERS[opt_name].make_torch([p], lr=lr)
    sched = tls.CyclicLR(opt, base_lr=lr, max_lr=3 * lr, step_size_up=UP)
    out = [p.detach().clone().numpy()]
    for _ in range(steps):
        opt.zero_grad()
        S.torch_value(p).backward()
        opt.step()
        sched.step()
        out.append(p.detach().clone().numpy())
    return np.array(out)


def test_plain_sgd_gets_the_cycled_momentum_as_torch_gives_it():
    """torch's SGD has momentum (0) in its defaults, so a default CyclicLR cycles it: plain SGD becomes momentum SGD."""
    ours = run("sgd", S, (1.0, 1.5), STEPS, schedule=("cyclic", {"step_size_up": UP, "max_lr": 3e-3}), lr=1e-3)
    np.testing.assert_allclose(ours.points, _torch_points("sgd", STEPS, 1e-3), rtol=1e-9, atol=1e-12)
    still = run("sgd", S, (1.0, 1.5), STEPS, schedule=("cyclic", {"step_size_up": UP, "max_lr": 3e-3,
                                                                  "cycle_momentum": False}), lr=1e-3)
    assert not np.allclose(still.points, ours.points, rtol=1e-6)


def test_without_momentum_torch_refuses_the_default_and_only_the_lr_cycles_here():
    with pytest.raises(ValueError, match="momentum"):
        tls.CyclicLR(OPTIMIZERS["adagrad"].make_torch([torch.zeros(1, requires_grad=True)]), 1e-3, 1e-2)
    sched = {"step_size_up": UP, "max_lr": 0.1}
    on = run("adagrad", S, (1.0, 1.5), 60, schedule=("cyclic", sched), lr=0.05)
    off = run("adagrad", S, (1.0, 1.5), 60, schedule=("cyclic", {**sched, "cycle_momentum": False}), lr=0.05)
    np.testing.assert_array_equal(on.points, off.points)
