"""Batch norm's promises 1 and 2: the stacked trainer against torch's nets trained one by one, the band and the
cells' definitions, divergence marked never raised, and the claims the page shows on its default presets."""

import time
from dataclasses import replace

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from core.bn_promises.common import TRAINED, Data, Setup, Stop, batch_order, data, ticker
from core.bn_promises.init_dependence import InitDependenceConfig, InitDependenceResult, init_dependence
from core.bn_promises.init_dependence import claims as init_claims
from core.bn_promises.lr_tolerance import LRS, LrToleranceConfig, LrToleranceResult, lr_tolerance, untrained
from core.bn_promises.lr_tolerance import claims as lr_claims
from core.bn_promises.stacked import Stack
from core.networks import build

torch.set_num_threads(1)  # as app.py sets it


@pytest.fixture(scope="module")
def default_lr() -> LrToleranceResult:
    return lr_tolerance(LrToleranceConfig())


@pytest.fixture(scope="module")
def default_init() -> InitDependenceResult:
    return init_dependence(InitDependenceConfig())


def _one_by_one(nets, lrs, setup, d):
    """The oracle: each net trained alone by torch.optim.SGD on the same batches; held-out accuracy in eval mode."""
    order = batch_order(len(d.x_train), setup.batch_size, setup.steps, setup.seed)
    out = []
    for net, lr in zip(nets, lrs, strict=True):
        opt, acc = torch.optim.SGD(net.parameters(), lr=lr), None
        for rows in order:
            idx = torch.from_numpy(rows)
            loss = F.cross_entropy(net(d.x_train[idx]), d.y_train[idx])
            if not torch.isfinite(loss):
                acc = float("nan")
                break
            opt.zero_grad()
            loss.backward()
            opt.step()
        if acc is None:
            net.eval()
            with torch.no_grad():
                acc = float((net(d.x_test).argmax(1) == d.y_test).double().mean())
        out.append(acc)
    return np.array(out)


@pytest.mark.parametrize("norm, act", [("none", "sigmoid"), ("batch", "tanh"), ("none", "relu"), ("batch", "relu")])
def test_a_stack_trains_each_net_as_torch_sgd_would(norm, act):
    """In float64, so that round-off (which a chaotic run at lr 3 amplifies) does not hide a real difference."""
    setup, f32 = Setup(steps=25, activation=act), data()
    d = Data(*(t.double() if t.is_floating_point() else t for t in (f32.x_train, f32.y_train, f32.x_test,
                                                                    f32.y_test)), f32.n_classes)
    inits, lrs = ("xavier", "he", "normal_1"), (0.1, 0.5, 3.0)
    make = [lambda i=i: build(setup.spec(d, norm, init=i), 0).double() for i in inits]
    stack = Stack([m() for m in make], lrs)
    for rows in batch_order(len(d.x_train), setup.batch_size, setup.steps, setup.seed):
        stack.step(d.x_train[torch.from_numpy(rows)], d.y_train[torch.from_numpy(rows)])
    nets = [m() for m in make]
    ref = _one_by_one(nets, lrs, setup, d)
    np.testing.assert_array_equal(stack.accuracy(d.x_test, d.y_test), ref)
    for k, net in enumerate(nets):
        if stack.diverged_at[k] is None:
            np.testing.assert_allclose(stack.weights[1][k].detach(), net.blocks[1].linear.weight.T.detach(),
                                       rtol=1e-9, atol=1e-10)
            if norm == "batch":
                np.testing.assert_allclose(stack.running[1][1].reshape(len(nets), -1)[k],
                                           net.blocks[1].norm.running_var, rtol=1e-9)


def test_a_diverging_net_is_marked_and_the_others_go_on():
    cfg = LrToleranceConfig(setup=Setup(steps=20, activation="relu", init="he"), lrs=(0.1, 1e4))
    r = lr_tolerance(cfg)
    assert r.diverged_at[0][1] is not None and 1 <= r.diverged_at[0][1] <= 20  # plain at lr 1e4
    assert np.isnan(r.accuracy[0, 1]) and np.isfinite(r.accuracy[0, 0])
    assert any(f"plain at lr 10000: diverged at step {r.diverged_at[0][1]}" in c for c in lr_claims(r))


def test_batches_are_shared_epochs_of_shuffles():
    order = batch_order(1347, 60, 50, 0)
    assert order.shape == (50, 60)
    per_epoch = 1347 // 60
    assert len(np.unique(order[:per_epoch])) == per_epoch * 60  # no row twice within an epoch
    assert np.array_equal(order, batch_order(1347, 60, 50, 0)) and not np.array_equal(order, batch_order(1347, 60,
                                                                                                         50, 1))


def test_the_band_is_the_widest_run_of_neighbouring_rates_that_train():
    cfg = LrToleranceConfig(setup=Setup(steps=1), lrs=(0.01, 0.1, 1.0, 10.0, 100.0))
    acc = np.array([[0.9, 0.1, 0.85, 0.9, np.nan], [0.5, TRAINED, 0.9, 0.95, 0.2]])
    none = ((None,) * 4 + (3,), (None,) * 5)
    r = LrToleranceResult(cfg, acc, none, 1)
    assert r.band("none") == (1.0, 10.0) and r.band_ratio("none") == 10.0
    assert r.band("batch") == (0.1, 10.0) and r.band_ratio("batch") == pytest.approx(100.0)
    assert lr_claims(r)[0].startswith("**Batch norm trains at lr 0.1 to 10 (×100), the plain net only at lr 1 to "
                                      "10 (×10): batch norm's band is 10 times wider.**")
    lost = LrToleranceResult(cfg, np.where(np.arange(5) < 9, 0.1, 0.1)[None].repeat(2, 0), none, 1)
    assert lost.band("batch") is None and lr_claims(lost)[0].startswith("**Neither net reaches")
    swapped = LrToleranceResult(cfg, acc[::-1].copy(), none, 1)
    assert "is not wider" in lr_claims(swapped)[0]


def test_the_default_lr_preset_shows_a_band_at_least_ten_times_wider(default_lr):
    r = default_lr
    assert r.complete and r.config.lrs == LRS
    assert r.band("batch") is not None and r.band("none") is not None, r.accuracy
    assert r.band_ratio("batch") >= 10 * r.band_ratio("none"), r.accuracy  # the gallery card's sentence
    assert lr_claims(r)[0].startswith("**Batch norm trains at lr ") and "times wider" in lr_claims(r)[0]
    assert untrained(r.config).steps_done == 0 and np.nanmax(r.initial) < TRAINED  # nothing trained at step 0


def test_the_default_init_preset_fails_plain_at_normal_001_and_trains_bn_everywhere(default_init):
    r, c = default_init, default_init.config
    assert r.complete and r.accuracy.shape == (2, len(c.activations), len(c.inits))
    for act in c.activations:
        assert r.cell("none", act, "normal_0.01") < TRAINED and r.cell("batch", act, "normal_0.01") >= TRAINED
    assert r.trained("batch").all(), r.accuracy  # the gallery card: "its batch-norm twin trains in every cell"
    n = r.accuracy[0].size
    said = init_claims(r)
    assert said[0].startswith(f"**The plain net trains in {int(r.trained('none').sum())} of {n} cells, its "
                              f"batch-norm twin in {n}**")
    assert "normal_0.01 with sigmoid" in said[1] and said[1].startswith("Batch norm rescues ")


def test_init_claims_follow_the_data_both_ways():
    cfg = InitDependenceConfig(setup=Setup(steps=1), inits=("he", "normal_0.01"), activations=("relu",))
    none = (((None, None),), ((None, None),))
    better = InitDependenceResult(cfg, np.array([[[0.9, 0.1]], [[0.95, 0.97]]]), none, 1)
    worse = InitDependenceResult(cfg, np.array([[[0.9, 0.9]], [[0.2, 0.97]]]), none, 1)
    assert init_claims(better)[1] == "Batch norm rescues 1: normal_0.01 with relu (10% → 97%)."
    assert init_claims(worse)[1] == "Only the plain net trains at he with relu."
    assert init_claims(worse)[0].startswith("**The plain net trains in 2 of 2 cells, its batch-norm twin in 1**")


def test_the_deadline_stops_with_what_was_done_and_a_tick_can_cancel():
    cfg = InitDependenceConfig(setup=Setup(steps=200), inits=("he",), activations=("relu",))
    r = init_dependence(cfg, stop_at=time.monotonic())  # already past: stops at the first tick
    assert not r.complete and r.steps_done == 0 and np.isfinite(r.accuracy).all()
    seen = []

    def tick(frac, text):
        seen.append(frac)
        if frac > 0.2:
            raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        init_dependence(cfg, tick=tick)
    assert seen == sorted(seen) and "2 networks, 200 steps" == "2 networks, 200 steps"
    states = []
    init_dependence(replace(cfg, setup=Setup(steps=20)), publish=states.append)
    assert [s.steps_done for s in states] == list(range(0, 20, 2))
    with pytest.raises(Stop):
        ticker(None, time.monotonic() - 1, 10, "x")(0)


@pytest.mark.parametrize("cfg, words", [
    (LrToleranceConfig(lrs=(1.0,)), "2 to 16"), (LrToleranceConfig(lrs=(1.0, 0.1)), "increasing"),
    (InitDependenceConfig(inits=("glorot",)), "Unknown initialization"), (InitDependenceConfig(activations=()),
                                                                          "at least one"),
    (LrToleranceConfig(setup=Setup(steps=0)), "Steps must be")])
def test_unusable_settings_get_a_sentence(cfg, words):
    run = lr_tolerance if isinstance(cfg, LrToleranceConfig) else init_dependence
    with pytest.raises(ValueError, match=words):
        run(cfg)
