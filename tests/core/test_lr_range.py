"""Range test and lr curves: exact schedule, smoothing, suggestion rules, one step vs a plain torch loop, labels."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from core.datasets import load
from core.lr_range import (
    LR_PRESETS,
    RULES,
    LRConfig,
    batches,
    exponential_lrs,
    lr_curve,
    lr_curves,
    range_test,
    smooth,
    suggest,
    train_steps,
)
from core.networks import NetSpec, build
from core.optimizers import OPTIMIZERS

torch.set_num_threads(1)


def test_exponential_schedule_is_exact():
    lrs = exponential_lrs(1e-5, 10.0, 100)
    assert lrs[0] == 1e-5 and lrs[-1] == pytest.approx(10.0, rel=1e-14)
    np.testing.assert_allclose(lrs[1:] / lrs[:-1], 1e6 ** (1 / 99), rtol=1e-12)


@pytest.mark.parametrize("args", [(0.0, 1.0, 100), (1.0, 0.1, 100), (1e-5, np.inf, 100), (1e-5, 1.0, 5)])
def test_bad_schedules_raise(args):
    with pytest.raises(ValueError):
        exponential_lrs(*args)


def test_smoothing_is_the_bias_corrected_average():
    v = np.random.default_rng(0).normal(2.0, 0.5, 50)
    beta = 0.9
    direct = [sum(beta ** (i - j) * (1 - beta) * v[j] for j in range(i + 1)) / (1 - beta ** (i + 1))
              for i in range(50)]
    np.testing.assert_allclose(smooth(v, beta), direct, rtol=1e-12)
    np.testing.assert_allclose(smooth(np.full(30, 3.0)), 3.0, rtol=1e-12)  # no start-up bias
    assert np.isnan(smooth(np.array([1.0, np.nan, 2.0]))[1:]).all()


def _synthetic():
    """Loss over 200 log-spaced lrs: flat, a logistic drop centred at 1e-2, then a rise past 1."""
    lrs = np.geomspace(1e-5, 10.0, 200)
    u = np.log10(lrs)
    loss = 2.3 - 2.0 / (1 + np.exp(-(u + 2) * 4)) + np.where(u > 0, 5 * u**2, 0.0)
    return lrs, loss


def test_suggestion_rules_on_a_synthetic_curve():
    lrs, loss = _synthetic()
    steep = suggest(lrs, loss, "steepest")
    assert abs(np.log10(steep) + 2) < 0.05  # the logistic's inflection at 1e-2
    best = lrs[np.argmin(loss)]
    assert suggest(lrs, loss, "min/10") == pytest.approx(best / 10)
    with pytest.raises(ValueError):
        suggest(lrs, loss, "median")


def test_steepest_ignores_the_blow_up_after_the_minimum():
    lrs, loss = _synthetic()
    loss = loss.copy()
    loss[-20:] = np.linspace(10.0, 0.5, 20)  # a steep fall after the minimum must not count
    loss[-1] = 50.0
    assert abs(np.log10(suggest(lrs, loss, "steepest")) + 2) < 0.05


def _net_and_opt(cfg, lr):
    split = load("digits", seed=cfg.seed)
    net = build(NetSpec(split.n_features, split.n_classes, cfg.depth, cfg.width, "relu", "he"), cfg.seed)
    return split, net, OPTIMIZERS[cfg.optimizer].make_torch(net.parameters(), lr=lr)


@pytest.mark.parametrize("name", list(LR_PRESETS))
def test_one_step_equals_a_plain_torch_loop(name):
    cfg = LRConfig(optimizer=name, seed=2)
    split, ours, opt = _net_and_opt(cfg, 0.05)
    _, ref, _ = _net_and_opt(cfg, 0.05)
    x, y = torch.from_numpy(split.x_train), torch.from_numpy(split.y_train)
    losses, diverged = train_steps(ours, opt, batches(x, y, cfg.batch_size, cfg.seed), np.array([0.05]))
    xb, yb = next(batches(x, y, cfg.batch_size, cfg.seed))
    kw = {"momentum": 0.9} if name == "momentum" else {}
    ref_opt = (torch.optim.Adam if name == "adam" else torch.optim.SGD)(ref.parameters(), lr=0.05, **kw)
    loss = F.cross_entropy(ref(xb), yb)
    ref_opt.zero_grad()
    loss.backward()
    ref_opt.step()
    assert losses[0] == loss.item() and diverged is None
    for a, b in zip(ours.parameters(), ref.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


def test_batches_shuffle_each_epoch_and_refuse_too_large_a_batch():
    x, y = torch.arange(10.0)[:, None], torch.arange(10)
    it = batches(x, y, 4, seed=0)
    first = torch.cat([next(it)[1] for _ in range(2)])  # 2 batches per epoch, the last 2 rows dropped
    second = torch.cat([next(it)[1] for _ in range(2)])
    assert len(set(first.tolist())) == 8 and first.tolist() != second.tolist()
    with pytest.raises(ValueError, match="training examples"):
        next(batches(x, y, 11, seed=0))


def test_huge_lr_diverges_with_its_step_and_nan_after():
    c = lr_curve(LRConfig(optimizer="sgd"), 100.0, 50)
    assert c.diverged_at is not None and c.diverged_at <= 10
    assert np.isnan(c.losses[c.diverged_at - 1:]).all() and np.isfinite(c.losses[:c.diverged_at - 1]).all()


def test_range_test_stops_when_loss_blows_up_and_records_its_schedule():
    t = range_test(LRConfig(optimizer="sgd"), 1e-5, 10.0, 100)
    assert t.stopped_early and 20 < len(t.lrs) < 100
    np.testing.assert_array_equal(t.lrs, exponential_lrs(1e-5, 10.0, 100)[:len(t.lrs)])
    np.testing.assert_allclose(t.smoothed, smooth(t.losses))
    if "smoothed" in t.stop_reason:
        assert t.smoothed[-1] > 4 * np.min(t.smoothed[:-1])
    else:  # the next loss was not finite or above 10x the first
        assert "diverged" in t.stop_reason and np.all(t.smoothed <= 4 * np.minimum.accumulate(t.smoothed))
    slow = range_test(LRConfig(optimizer="sgd"), 1e-5, 1e-3, 50)
    assert not slow.stopped_early and len(slow.lrs) == 50
    lo, best = t.regions()
    assert t.lrs[0] < lo < best
    for rule in RULES:
        assert t.lrs[0] <= t.suggestion(rule) <= t.lrs[-1]


@pytest.mark.parametrize("name", list(LR_PRESETS))
def test_cs231n_labels_describe_their_curves(name):
    curves = lr_curves(LRConfig(optimizer=name), LR_PRESETS[name], 300)
    end = {k: np.nanmean(c.losses[-30:]) for k, c in curves.items() if k != "very high"}
    start = curves["good"].losses[0]
    assert all(c.diverged_at is None for k, c in curves.items() if k != "very high")
    assert end["good"] < 0.2 and end["good"] < end["high"] and end["good"] < end["low"]
    assert end["low"] < 0.95 * start  # it does learn, slowly
    assert curves["very high"].diverged_at is not None


def test_suggested_lr_trains_well():
    cfg = LRConfig(optimizer="sgd")
    v = range_test(cfg).suggestion("steepest")
    assert np.nanmean(lr_curve(cfg, v, 300).losses[-30:]) < 0.3
