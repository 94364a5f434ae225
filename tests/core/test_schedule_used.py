"""The lr a run used and how often it was cut (the schedule panel's sentence) against torch's schedulers in float64."""

import warnings

import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler as tls

from core.optim.run import run
from core.optim.schedule_used import last_lr, lr_cuts, used_lrs
from core.optim.schedules import resolve
from tests.core.test_schedule_plateau import torch_run

N = 300
SCHED = {"factor": 0.5, "patience": 2, "threshold": 0.1}


class CountingPlateau(tls.ReduceLROnPlateau):
    """torch's ReduceLROnPlateau counting the reductions that really changed the lr (its own eps rule)."""

    cuts = 0

    def _reduce_lr(self, epoch):
        before = self.optimizer.param_groups[0]["lr"]
        super()._reduce_lr(epoch)
        self.cuts += self.optimizer.param_groups[0]["lr"] != before


def _torch_step_lrs(cls, steps: int, **params) -> list[float]:
    """The lr torch's SGD (float64) holds at steps 1..steps under `cls`, stepped after every optimizer step."""
    p = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.05)
    sched, out = cls(opt, **params), []
    for _ in range(steps):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return out


@pytest.mark.parametrize("name, cls, params, cuts", [
    ("step", tls.StepLR, {"step_size": 40, "gamma": 0.5}, (N - 1) // 40),
    ("step", tls.StepLR, {"step_size": 300, "gamma": 0.5}, 0),  # the first cut would come at step 301
    ("multistep", tls.MultiStepLR, {"milestones": (3, 150, 299, 400), "gamma": 0.1}, 3),
])
def test_cuts_of_step_schedules_are_torchs_and_the_closed_form(name, cls, params, cuts):
    theirs = _torch_step_lrs(cls, N, **params)
    ours = used_lrs(name, 0.05, np.zeros(N + 1), None, **params)
    np.testing.assert_array_equal(ours, theirs)
    assert lr_cuts(ours) == cuts == int(np.sum(np.diff(theirs) < 0))
    assert last_lr(ours) == theirs[-1]


@pytest.mark.parametrize("opt, lr", [("sgd", 0.01), ("adam", 0.05), ("momentum", 1e-3)])
def test_plateau_cuts_are_the_reductions_torch_made_on_the_same_run(opt, lr):
    ours = run(opt, "beale", (1.0, 1.5), N, schedule=("plateau", SCHED), lr=lr)
    assert ours.diverged_at is None
    _, theirs = torch_run(opt, N, SCHED, lr=lr)
    used = used_lrs("plateau", lr, ours.losses, None, **SCHED)
    np.testing.assert_array_equal(used, theirs)
    # torch's own count: a scheduler fed torch's losses of our path (equal to torch's run, above) reduces as often
    p = torch.zeros(1, requires_grad=True)
    o = torch.optim.SGD([p], lr=lr)
    counting = CountingPlateau(o, **resolve("plateau", **SCHED))
    for loss in ours.losses[1:N].tolist():
        counting.step(loss)
    assert lr_cuts(used) == counting.cuts > 0
    assert last_lr(used) == theirs[-1]


def test_a_diverged_run_counts_only_the_cuts_of_the_steps_it_ran():
    lr = 0.02
    ours = run("momentum", "beale", (1.0, 1.5), 60, schedule=("plateau", SCHED), lr=lr)
    k = ours.diverged_at
    assert k is not None and k < 60
    used = used_lrs("plateau", lr, ours.losses, k, **SCHED)
    assert np.isnan(used[k:]).all() and np.isfinite(used[:k]).all()
    _, theirs = torch_run("momentum", k, SCHED, lr=lr)  # torch's run up to the step it left
    np.testing.assert_array_equal(used[:k], theirs)
    assert lr_cuts(used) == int(np.sum(np.diff(theirs) < 0)) and last_lr(used) == theirs[-1]
    # without the cut-off the NaN losses after it would count as bad steps and be cut on
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert lr_cuts(used_lrs("plateau", lr, ours.losses, None, **SCHED)) > lr_cuts(used)


def test_falls_not_rises_are_cuts_and_nothing_ran_is_nan():
    assert lr_cuts([0.1, 0.2, 0.1, 0.1, 0.05, np.nan, np.nan]) == 2
    assert last_lr([0.1, 0.05, np.nan]) == 0.05 and np.isnan(last_lr([np.nan]))
    assert lr_cuts([]) == 0
