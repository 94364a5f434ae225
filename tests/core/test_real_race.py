"""The lockstep race against its oracle (each rule training its own real net with the real torch.optim class in a
plain loop), reproducibility, divergence that stops one rule only, the recorded weights, the PCA picture's frame."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from core.datasets import load
from core.loss_slice import flat_params, loss_at
from core.networks import build, copy_shared_weights
from core.optim.registry import OPTIMIZERS
from core.real_race import DEFAULT_LR, net_spec, race_real
from core.trajectory_plane import trajectory_plane

torch.set_num_threads(1)
STEPS = 30
RULES = ("sgd", "adam", "rprop")


def _alone(rule: str, norm: str):
    """One rule, one net, the race's batches: the plain loop the race must reproduce."""
    net = build(net_spec("mlp", norm), 0)
    copy_shared_weights(build(net_spec("mlp", "none"), 0), net)
    opt = OPTIMIZERS[rule].make_torch(net.parameters(), lr=DEFAULT_LR[rule])
    split = load("digits", seed=0)
    x, y = torch.from_numpy(split.x_train), torch.from_numpy(split.y_train)
    rng = np.random.default_rng([0, 104729])
    order, cursor, losses = rng.permutation(len(x)), 0, []
    for _ in range(STEPS):
        if cursor + 60 > len(order):  # a new epoch, reshuffled, the ragged end dropped
            order, cursor = rng.permutation(len(x)), 0
        idx = torch.from_numpy(order[cursor:cursor + 60])
        cursor += 60
        loss = F.cross_entropy(net(x[idx]), y[idx])
        losses.append(loss.item())
        opt.zero_grad()
        loss.backward()
        opt.step()
    net.eval()
    with torch.no_grad():
        acc = (net(torch.from_numpy(split.x_test)).argmax(1).numpy() == split.y_test).mean()
    return np.array(losses), acc, flat_params(net).numpy(), net


@pytest.fixture(scope="module", params=["none", "batch"])
def raced(request):
    return request.param, race_real(RULES, steps=STEPS, norm=request.param, record_every=10, eval_every=15)


def test_each_rule_trains_as_its_own_net_with_torch_optim(raced):
    norm, race = raced
    for r, rule in enumerate(RULES):
        losses, acc, final, net = _alone(rule, norm)
        np.testing.assert_allclose(race.runs[r].losses, losses, rtol=1e-5, atol=1e-6)
        assert race.runs[r].test_acc[-1] == pytest.approx(acc)
        # float32 rounding: the batched GEMMs sum in another order than one net's; on an AMD EPYC host one weight
        # of 28,010 ended 6.6e-5 away (batch norm net, 2026-11-27, the commit before too), the losses above agree
        np.testing.assert_allclose(race.weights[-1, r], final, rtol=1e-4, atol=1e-4)
        for name, b in net.named_buffers():  # batch norm's running statistics follow the rule's own net
            np.testing.assert_allclose(race.buffers[r][name].double(), b.double(), rtol=1e-4, atol=5e-5)
        # the rebuilt final net is that net
        split = load("digits", seed=0)
        x, y = torch.from_numpy(split.x_test), torch.from_numpy(split.y_test)
        assert race.runs[r].test_loss[-1] == pytest.approx(loss_at(race.net(r), flat_params(net), x, y), rel=1e-5)


def test_shared_start_records_and_shapes(raced):
    _, race = raced
    assert list(race.record_steps) == [0, 10, 20, 30] and list(race.eval_steps) == [0, 15, 30]
    assert race.weights.shape[:2] == (4, len(RULES)) and race.weights.dtype == np.float32
    assert np.all(race.weights[0] == race.weights[0, :1])  # same initial weights for every rule
    assert race.complete and race.steps == STEPS
    assert {run.test_acc[0] for run in race.runs} == {race.runs[0].test_acc[0]}


def test_same_seed_same_numbers_and_another_seed_differs():
    a, b = (race_real(("sgd", "adam"), steps=10, record_every=5) for _ in range(2))
    for ra, rb in zip(a.runs, b.runs, strict=True):
        np.testing.assert_array_equal(ra.losses, rb.losses)
    np.testing.assert_array_equal(a.weights, b.weights)
    c = race_real(("sgd", "adam"), steps=10, record_every=5, seed=1)
    assert not np.array_equal(a.runs[0].losses, c.runs[0].losses)


def test_a_diverging_rule_stops_and_the_others_go_on():
    race = race_real(("sgd", "adam"), (1e30, 0.01), arch="cnn", steps=12, record_every=4, eval_every=4)
    bad, good = race.runs
    assert bad.diverged_at == 2
    assert np.isnan(bad.losses[1:]).all() and np.isnan(bad.test_acc[1:]).all()
    assert np.isnan(race.weights[1:, 0]).all()  # no trajectory after the failed update
    assert good.diverged_at is None and np.isfinite(good.losses).all() and np.isfinite(race.weights[:, 1]).all()


def test_stop_at_ends_early_with_what_was_trained():
    race = race_real(("sgd",), steps=50, stop_at=0.0)
    assert not race.complete and race.steps == 1 and len(race.runs[0].losses) == 1
    assert race.record_steps[-1] == 1 and race.eval_steps[-1] == 1


def test_bad_settings_are_one_sentence():
    for kw, text in [(dict(rules=("sgd", "sgd")), "different optimizers"), (dict(rules=("nope",)), "Unknown"),
                     (dict(rules=("sgd",), lrs=(0.0,)), "positive"), (dict(rules=("sgd",), steps=0), "Steps")]:
        with pytest.raises(ValueError, match=text):
            race_real(**kw)


def test_smoothed_loss_is_a_trailing_mean(raced):
    run = raced[1].runs[0]
    s = run.smoothed(5)
    assert s[0] == run.losses[0] and s[9] == pytest.approx(run.losses[5:10].mean())


def test_pca_plane_is_centred_on_the_reference_and_holds_its_path(raced):
    _, race = raced
    plane = trajectory_plane(race, kind="pca", grid=5, n_examples=100)
    ref = plane.reference
    np.testing.assert_allclose(plane.paths[ref][-1], 0.0, atol=1e-9)  # final weights of the reference: the origin
    starts = np.array([p[0] for p in plane.paths])
    np.testing.assert_allclose(starts, starts[:1].repeat(len(starts), 0), atol=1e-9)  # one shared start
    assert 0 < plane.ratio.sum() <= 1 + 1e-9 and plane.off_plane[ref] == 0
    assert plane.xs[0] < plane.paths[ref][:, 0].min() and plane.xs[-1] > plane.paths[ref][:, 0].max()
    split = load("digits", seed=0)
    x, y = torch.from_numpy(split.x_train[:100]), torch.from_numpy(split.y_train[:100])
    assert plane.centre_loss == pytest.approx(loss_at(race.net(ref), flat_params(race.net(ref)), x, y), rel=1e-5)


def test_every_default_lr_trains_both_nets():
    """The defaults' claim: each rule learns on the BN net and on the plain net; the plain sigmoid net keeps plain
    SGD and its momentum forms on the chance plateau (10%) longer and Adadelta starts slowly, so they get the 500
    steps of the search."""
    slow = ("sgd", "momentum", "nesterov", "adadelta")
    bn = race_real(tuple(OPTIMIZERS), steps=150, norm="batch", record_every=150, eval_every=150)
    assert all(run.test_acc[-1] > 0.85 for run in bn.runs), {r.rule: r.test_acc[-1] for r in bn.runs}
    rest = race_real(tuple(r for r in OPTIMIZERS if r not in slow), steps=150, record_every=150, eval_every=150)
    assert all(run.test_acc[-1] > 0.5 for run in rest.runs), {r.rule: r.test_acc[-1] for r in rest.runs}
    sgd = race_real(slow, steps=500, record_every=500, eval_every=500)
    assert all(run.test_acc[-1] > 0.6 for run in sgd.runs), {r.rule: r.test_acc[-1] for r in sgd.runs}
    assert all(run.test_acc[-1] < 0.2 for run in race_real(slow[:3], steps=100, eval_every=100).runs)  # the plateau
