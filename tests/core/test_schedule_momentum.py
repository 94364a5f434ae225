"""CyclicLR and OneCycleLR cycle the momentum (SGD, RMSprop) or beta1 (Adam family): the engine follows torch."""

import warnings

import numpy as np
import pytest
import torch

from core.optim import float_loop
from core.optim.schedules import momenta, momentum_key, torch_scheduler
from core.optimizers import OPTIMIZERS, run, run_batch
from core.surfaces import get_surface
from tests.core.test_schedules import torch_points

S = get_surface("beale")
STEPS = 150
CYCLING = {"cyclic": {"step_size_up": 10, "step_size_down": 25, "cycle_momentum": True, "base_momentum": 0.5,
                      "max_momentum": 0.95},
           "onecycle": {"total_steps": STEPS, "pct_start": 0.2, "base_momentum": 0.6, "max_momentum": 0.97}}
WITH = [n for n, s in OPTIMIZERS.items() if momentum_key(s.defaults)]
WITHOUT = [n for n in OPTIMIZERS if n not in WITH]


def _lr(name: str) -> float:
    return {"sgd": 1e-3, "momentum": 1e-3, "nesterov": 1e-3, "rmsprop": 1e-3}.get(name, 0.01)


def test_which_optimizers_have_a_momentum_to_cycle_is_torchs_rule():
    for name, spec in OPTIMIZERS.items():
        d = spec.torch_cls([torch.zeros(1, requires_grad=True)]).defaults
        expected = "beta1" if "betas" in d else "momentum" if "momentum" in d else None
        assert momentum_key(spec.defaults) == expected, name
    assert set(WITHOUT) == {"adagrad", "adadelta", "rprop"}


@pytest.mark.parametrize("sched", CYCLING)
@pytest.mark.parametrize("opt", WITH)
def test_cycled_momentum_follows_torchs_optimizer_and_scheduler(opt, sched):
    ours = run(opt, S, (1.0, 1.5), STEPS, schedule=(sched, CYCLING[sched]), lr=_lr(opt))
    theirs = torch_points(opt, S, (1.0, 1.5), STEPS, (sched, CYCLING[sched]), lr=_lr(opt))
    assert ours.diverged_at is None
    np.testing.assert_allclose(ours.points, theirs, rtol=1e-9, atol=1e-12)  # torch's FMAs: an ulp per operation
    # ... and the cycling really is in there: without it the path is elsewhere, far beyond that tolerance
    still = run(opt, S, (1.0, 1.5), STEPS, schedule=(sched, {**CYCLING[sched], "cycle_momentum": False}), lr=_lr(opt))
    assert not np.allclose(still.points, ours.points, rtol=1e-6, equal_nan=True)


@pytest.mark.parametrize("opt", WITH)
def test_the_momentum_torch_holds_at_each_step_is_momenta(opt):
    """The value in torch's param group at every step (momentum, or betas[0]) is `momenta`'s, bit for bit."""
    p = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    o = OPTIMIZERS[opt].make_torch([p], lr=_lr(opt))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched = torch_scheduler(o, "onecycle", **CYCLING["onecycle"])
        held = []
        for _ in range(STEPS):
            g = o.param_groups[0]
            held.append(g["betas"][0] if "betas" in g else g["momentum"])
            o.step()
            sched.step()
    np.testing.assert_array_equal(held, momenta("onecycle", STEPS, **CYCLING["onecycle"]))


@pytest.mark.parametrize("opt", WITHOUT)
def test_optimizers_without_momentum_keep_only_the_lr_cycle(opt):
    """torch refuses cycle_momentum for them; the registry turns it off there, as the page says."""
    with pytest.raises(ValueError, match="momentum"):
        torch.optim.lr_scheduler.CyclicLR(OPTIMIZERS[opt].make_torch([torch.zeros(1, requires_grad=True)]), 1e-3,
                                          1e-2, cycle_momentum=True)
    on = run(opt, S, (1.0, 1.5), 60, schedule=("cyclic", CYCLING["cyclic"]), lr=0.01)
    off = run(opt, S, (1.0, 1.5), 60, schedule=("cyclic", {**CYCLING["cyclic"], "cycle_momentum": False}), lr=0.01)
    np.testing.assert_array_equal(on.points, off.points)


def test_a_batch_mixing_cycled_and_constant_momenta_equals_each_run_alone():
    """One SGD group whose rows cycle or keep their own momentum (columns), and rows beyond the float loop."""
    configs = [("sgd", {"lr": 1e-3}), ("momentum", {"lr": 1e-3}), ("nesterov", {"lr": 2e-3}), ("adam", {"lr": 0.02}),
               ("adamw", {"lr": 0.01}), ("adagrad", {"lr": 0.05})] * 3
    scheds = [("cyclic", CYCLING["cyclic"]), ("cosine", {"T_max": 50}), ("onecycle", CYCLING["onecycle"])] * 6
    assert len(configs) > float_loop.MAX_ROWS
    trajs = run_batch(configs, S, (1.0, 1.5), 80, schedule=scheds)
    for (n, h), sc, tr in zip(configs, scheds, trajs, strict=True):
        np.testing.assert_array_equal(tr.points, run(n, S, (1.0, 1.5), 80, schedule=sc, **h).points)
