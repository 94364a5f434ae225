"""ReduceLROnPlateau fed each run's own loss: the Plateau state machine and the engine against torch."""

import warnings

import numpy as np
import pytest
import torch

from core.optim import float_loop
from core.optim.plateau import Plateau
from core.optim.registry import OPTIMIZERS
from core.optim.run import run, run_batch
from core.optim.schedules import lrs, resolve
from core.surfaces import get_surface
from tests.core.test_schedules import OPTS

S = get_surface("beale")
SETTINGS = [{}, {"patience": 0, "factor": 0.5, "threshold": 0.0}, {"patience": 3, "cooldown": 4, "min_lr": 2e-4},
            {"mode": "max", "threshold_mode": "abs", "threshold": 0.01, "patience": 1},
            {"threshold_mode": "abs", "threshold": 0.05, "patience": 2, "factor": 0.9, "eps": 1e-4}]


def torch_lrs(lr: float, losses, **settings) -> list[float]:
    """The lr torch's SGD holds at steps 1..len(losses) + 1 when ReduceLROnPlateau sees losses[t - 1] after step t."""
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **resolve("plateau", **settings))
    out = []
    for loss in losses:
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step(loss)
    return out + [opt.param_groups[0]["lr"]]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("k", range(len(SETTINGS)))
def test_plateau_matches_torch_on_random_losses_with_ties_nans_and_infs(k, seed):
    rng = np.random.default_rng(seed)
    losses = np.round(np.cumsum(rng.normal(-0.01, 0.05, 200)), 2)  # rounded: exact ties with the best
    losses[rng.integers(0, 200, 5)] = [np.nan, np.inf, -np.inf, np.nan, 0.0]
    ours = lrs("plateau", 0.1, 201, losses=losses, **SETTINGS[k])
    np.testing.assert_array_equal(ours, torch_lrs(0.1, losses, **SETTINGS[k]))


@pytest.mark.parametrize("copies", [1, 4])  # 5 rows on floats, 20 as arrays
def test_runs_of_one_plateau_are_independent(copies):
    """Rows with different settings and losses stepped together equal each stepped alone."""
    rng = np.random.default_rng(0)
    which = SETTINGS * copies
    losses = np.round(rng.normal(size=(80, len(which))), 1)
    losses[5, 0], losses[9, 1] = np.nan, np.inf
    together = Plateau(np.full(len(which), 0.3), [resolve("plateau", **s) for s in which])
    assert (together.states is None) == (copies > 1)
    rows = np.array([together.step(loss).copy() for loss in losses])
    for j, s in enumerate(which):
        np.testing.assert_array_equal(rows[:-1, j], lrs("plateau", 0.3, 80, losses=losses[:, j], **s)[1:])


def torch_run(opt_name: str, steps: int, sched: dict, **hyper):
    """torch's optimizer with ReduceLROnPlateau stepping on the loss at the new point: points and lrs."""
    p = torch.tensor((1.0, 1.5), dtype=torch.float64, requires_grad=True)
    opt = OPTIMIZERS[opt_name].make_torch([p], **hyper)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **resolve("plateau", **sched))
    pts, used = [p.detach().clone().numpy()], []
    for _ in range(steps):
        used.append(opt.param_groups[0]["lr"])
        opt.zero_grad()
        S.torch_value(p).backward()
        opt.step()
        with torch.no_grad():
            s.step(S.torch_value(p).item())
        pts.append(p.detach().clone().numpy())
    return np.array(pts), np.array(used)


@pytest.mark.parametrize("opt", OPTS)
def test_every_optimizer_on_its_own_loss_matches_torch_and_its_lr_is_recovered_from_its_losses(opt):
    sched = {"patience": 2, "factor": 0.5, "threshold": 0.1}
    ours = run(opt, S, (1.0, 1.5), 200, schedule=("plateau", sched), **OPTS[opt])
    pts, used = torch_run(opt, 200, sched, **OPTS[opt])
    np.testing.assert_allclose(ours.points, pts, rtol=1e-9, atol=1e-12)  # torch's FMAs: an ulp per operation
    got = lrs("plateau", OPTS[opt]["lr"], 200, losses=ours.losses[1:], **sched)  # what the page draws
    np.testing.assert_array_equal(got, used)
    assert got[-1] < got[0]  # the plateau did cut the lr


def test_a_batch_mixing_plateau_and_other_schedules_equals_each_run_alone():
    """Plateau rows and precomputed rows in one group (lr columns), in the float loop's size and beyond it."""
    configs = [("momentum", {"lr": 1e-3}), ("sgd", {"lr": 2e-3}), ("adam", {"lr": 0.05}), ("rprop", {"lr": 0.01})] * 5
    scheds = [("plateau", {"patience": 1}), ("performance", {}), ("cosine", {"T_max": 40}),
              ("plateau", {"patience": 0, "cooldown": 3}), ("constant", {})] * 4
    assert len(configs) > float_loop.MAX_ROWS
    trajs = run_batch(configs, S, (1.0, 1.5), 90, schedule=scheds)
    for (n, h), sc, tr in zip(configs, scheds, trajs, strict=True):
        np.testing.assert_array_equal(tr.points, run(n, S, (1.0, 1.5), 90, schedule=sc, **h).points)


def test_a_noise_bundle_on_a_plateau_cuts_each_path_on_its_own_loss():
    trajs = run_batch([("sgd", {"lr": 2e-3})], S, (1.0, 1.5), 120, schedule=("performance", {}),
                      noise=("additive", 2.0), seed=1, paths=4)
    cuts = [lrs("performance", 2e-3, 120, losses=t.losses[1:]) for t in trajs]
    assert len({tuple(c) for c in cuts}) > 1  # different noise, different losses, different lr
