"""The Keras 0.x BatchNormalization port against closed forms written from the quoted source lines, the paper and
torch comparison against torch float64, and the tab's sentences against the numbers they describe."""

import numpy as np
import pytest
import torch

from core.keras_bn import KerasV1BatchNorm
from core.keras_claims import differences, eps_twice, mode_1, running_in_training, running_std, torch_vs_paper
from core.keras_compare import compare, feature_batches, paper_bn, torch_bn

torch.set_num_threads(1)  # as app.py sets it: on a busy 2-core machine a second thread only waits

RNG = np.random.default_rng(3)
BATCHES = [RNG.normal(2.0, 3.0, size=(6, 5)) * np.arange(1, 6) for _ in range(4)]
HELD = RNG.normal(2.0, 3.0, size=(6, 5))


def test_initial_weights_are_the_layers_own():
    layer = KerasV1BatchNorm(400, seed=7)
    # initializations.uniform(shape, scale=0.05): U(-0.05, 0.05), so gamma is small, not ones
    assert np.all(np.abs(layer.gamma) <= 0.05) and layer.gamma.max() > 0.045 and layer.gamma.min() < -0.045
    assert abs(layer.gamma.mean()) < 0.01
    np.testing.assert_array_equal(KerasV1BatchNorm(400, seed=7).gamma, layer.gamma)  # seedable
    assert not np.array_equal(KerasV1BatchNorm(400, seed=8).gamma, layer.gamma)
    np.testing.assert_array_equal(layer.beta, 0.0)
    np.testing.assert_array_equal(layer.running_mean, 0.0)  # K.zeros
    np.testing.assert_array_equal(layer.running_std, 1.0)  # K.ones
    assert (layer.mode, layer.epsilon, layer.momentum) == (0, 1e-6, 0.9)
    torch_bn1d = torch.nn.BatchNorm1d(3)  # the defaults the tab's caption puts next to Keras's
    assert (torch_bn1d.eps, torch_bn1d.momentum) == (1e-5, 0.1)


@pytest.mark.parametrize("momentum", [0.9, 0.5, 0.0])
def test_mode_0_running_updates_match_their_closed_form_over_several_batches(momentum):
    eps = 1e-3
    layer = KerasV1BatchNorm(5, epsilon=eps, momentum=momentum, seed=0)
    for t, x in enumerate(BATCHES, start=1):
        layer(x, training=True)
        # Unrolled: running_mean starts at 0, running_std at 1; batch i enters with weight (1-m) m^(t-i).
        w = np.array([(1 - momentum) * momentum ** (t - i) for i in range(1, t + 1)])
        means = np.array([b.mean(axis=0) for b in BATCHES[:t]])
        stds = np.array([np.sqrt(np.mean((b - b.mean(axis=0)) ** 2 + eps, axis=0)) for b in BATCHES[:t]])
        np.testing.assert_allclose(layer.running_mean, w @ means, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(layer.running_std, momentum ** t + w @ stds, rtol=1e-12)


def test_mode_0_training_output_uses_the_running_values_from_before_the_batch():
    eps = 1e-6
    layer = KerasV1BatchNorm(5, epsilon=eps, seed=1)
    first = layer(BATCHES[0], training=True)
    # batch 1 meets running_mean 0 and running_std 1: X_normed = X / (1 + eps), nothing is centred
    np.testing.assert_allclose(layer.last_normed, BATCHES[0] / (1 + eps), rtol=1e-15)
    np.testing.assert_allclose(first, layer.gamma * BATCHES[0] / (1 + eps), rtol=1e-15)
    rm, rs = layer.running_mean.copy(), layer.running_std.copy()
    second = layer(BATCHES[1], training=True)
    np.testing.assert_allclose(second, layer.gamma * (BATCHES[1] - rm) / (rs + eps), rtol=1e-13)
    assert np.abs(layer.last_normed.mean(axis=0)).max() > 0.1  # not zero-mean per feature


def test_eps_is_used_twice_in_mode_0():
    eps = 0.01
    layer = KerasV1BatchNorm(2, epsilon=eps, momentum=0.0, seed=0)
    layer.beta[:] = 0.0
    layer.gamma[:] = 1.0
    layer(np.array([[3.0, 0.0], [3.0, 2.0]]), training=True)  # feature 0 constant: var 0
    assert layer.running_std[0] == pytest.approx(np.sqrt(eps), rel=1e-15)  # sqrt(mean(0 + eps)): eps once
    y = layer(np.array([[4.0, 1.0], [2.0, 1.0]]), training=False)
    # (x - running_mean) / (running_std + eps) = 1 / (0.1 + 0.01): eps a second time, outside the root
    assert y[0, 0] == pytest.approx(1 / (0.1 + 0.01), rel=1e-14) and y[1, 0] == pytest.approx(-1 / 0.11, rel=1e-14)
    assert y[0, 1] == pytest.approx(0.0, abs=1e-15)  # feature 1: running_std = sqrt(1 + eps), its mean 1


def test_eval_and_train_modes():
    layer = KerasV1BatchNorm(5, seed=0)
    layer.eval()
    before = layer.running_mean.copy()
    layer(BATCHES[0])
    np.testing.assert_array_equal(layer.running_mean, before)  # test mode: no update
    layer(BATCHES[0], training=True)  # the argument wins over the mode
    assert not np.array_equal(layer.running_mean, before)
    assert layer.train().training and not layer.eval().training


def test_mode_1_normalizes_each_sample_with_eps_outside_the_root():
    eps = 1e-6
    layer = KerasV1BatchNorm(3, mode=1, epsilon=eps, seed=2)
    x = np.array([[1.0, 2.0, 3.0], [5.0, 5.0, 5.0]])
    y = layer(x, training=True)
    # row 0: m = 2, K.std (biased) = sqrt(2/3); row 1: std 0, so (x - m) / (0 + eps) = 0
    np.testing.assert_allclose(layer.last_normed[0], np.array([-1.0, 0.0, 1.0]) / (np.sqrt(2 / 3) + eps), rtol=1e-15)
    np.testing.assert_array_equal(layer.last_normed[1], 0.0)
    np.testing.assert_allclose(y, layer.gamma * layer.last_normed, rtol=1e-15)
    np.testing.assert_array_equal(layer.running_std, 1.0)  # no running statistics in mode 1
    np.testing.assert_array_equal(layer(x, training=False), y)  # test output is the same formula


@pytest.mark.parametrize(("kw", "x"), [({"mode": 2}, None), ({"epsilon": 0.0}, None), ({"momentum": 1.0}, None),
                                       ({}, np.zeros((3, 4))), ({}, np.zeros(5)), ({}, np.full((2, 5), np.nan))])
def test_bad_arguments_are_refused_in_one_sentence(kw, x):
    with pytest.raises(ValueError, match=r"\."):
        KerasV1BatchNorm(5, **kw)(x if x is not None else BATCHES[0])


def test_paper_algorithms_against_torch_float64():
    a1, a2 = paper_bn(BATCHES, HELD, eps=1e-5)
    ref = torch.nn.functional.batch_norm(torch.from_numpy(BATCHES[-1]), None, None, training=True, eps=1e-5)
    np.testing.assert_allclose(a1, ref.numpy(), rtol=1e-12, atol=1e-12)
    # Algorithm 2: E[x] = mean of batch means, Var[x] = m/(m-1) mean of batch variances = mean of unbiased ones
    mean = np.mean([b.mean(axis=0) for b in BATCHES], axis=0)
    var = np.mean([b.var(axis=0, ddof=1) for b in BATCHES], axis=0)
    ref = torch.nn.functional.batch_norm(torch.from_numpy(HELD), torch.from_numpy(mean), torch.from_numpy(var),
                                         training=False, eps=1e-5)
    np.testing.assert_allclose(a2, ref.numpy(), rtol=1e-12, atol=1e-12)


def test_torch_running_statistics_match_their_closed_form():
    _, test, mean, var = torch_bn(BATCHES, HELD, momentum=0.3, eps=1e-5)
    w = np.array([0.3 * 0.7 ** (4 - i) for i in range(1, 5)])
    np.testing.assert_allclose(mean, w @ np.array([b.mean(axis=0) for b in BATCHES]), rtol=1e-12)
    np.testing.assert_allclose(var, 0.7 ** 4 + w @ np.array([b.var(axis=0, ddof=1) for b in BATCHES]), rtol=1e-12)
    np.testing.assert_allclose(test, (HELD - mean) / np.sqrt(var + 1e-5), rtol=1e-12, atol=1e-12)


@pytest.fixture(scope="module")
def cmp():
    return compare(BATCHES, HELD, momentum=0.9, eps=1e-5, keras_eps=1e-6, seed=4)


def test_comparison_runs_the_port_and_torch_on_the_same_batches(cmp):
    layer = KerasV1BatchNorm(5, seed=4)
    for x in BATCHES:
        out = layer(x, training=True)
    np.testing.assert_array_equal(cmp.output("Keras mode 0", "train").out, out)
    np.testing.assert_array_equal(cmp.keras_std, layer.running_std)
    np.testing.assert_array_equal(cmp.output("Keras mode 0", "eval").out, layer(HELD, training=False))
    t_train, t_eval, t_mean, t_var = torch_bn(BATCHES, HELD, momentum=0.1, eps=1e-5)  # torch's 0.1 = Keras's 0.9
    np.testing.assert_allclose(cmp.output("torch", "eval").normed, t_eval, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(cmp.torch_var, t_var, rtol=1e-12)
    np.testing.assert_allclose(cmp.keras_mean, t_mean, rtol=1e-12)  # same means with momenta 0.9 and 0.1
    row = HELD - HELD.mean(axis=1, keepdims=True)
    np.testing.assert_allclose(cmp.output("Keras mode 1", "eval").normed,
                               row / (np.sqrt(np.mean(row**2, axis=1, keepdims=True)) + 1e-6), rtol=1e-13)
    a1 = cmp.output("paper", "train")
    np.testing.assert_allclose(a1.std(), np.sqrt(BATCHES[-1].var(axis=0) / (BATCHES[-1].var(axis=0) + 1e-5)))
    assert len(cmp.outputs) == 8 and cmp.k == 4


def test_each_claim_holds_and_states_its_numbers(cmp):
    claims = {c.key: c for c in differences(cmp)}
    assert list(claims) == ["std", "eps", "running", "gamma", "mode1", "torch"]
    assert all(c.holds for c in claims.values())
    assert "in 5 of 5 features" in claims["std"].text and np.all(cmp.keras_std < np.sqrt(cmp.torch_var))
    rm, rs = cmp.keras_mean, cmp.keras_std
    second = np.max(np.abs((HELD - rm) * 1e-6 / (rs * (rs + 1e-6))))  # (x-rm)/rs - (x-rm)/(rs+eps)
    assert f"{second:.1e}" in claims["eps"].text
    assert "left by the 3 batches before it" in claims["running"].text
    assert "Its output is not zero-mean per feature" in claims["running"].text
    assert "Algorithm 1's is (" in claims["running"].text
    assert f"{cmp.gamma.min():.3f} to {cmp.gamma.max():.3f}" in claims["gamma"].text


def test_after_one_batch_mode_0_is_not_zero_mean_and_algorithm_1_is():
    one = compare(BATCHES[:1], HELD, momentum=0.9)
    keras, paper = one.output("Keras mode 0", "train"), one.output("paper", "train")
    assert np.abs(keras.mean()).max() > 1.0 and np.abs(paper.mean()).max() < 1e-14
    claim = running_in_training(one)
    assert claim.holds and "the initial running mean 0 and std 1" in claim.text
    assert f"largest |mean| {np.abs(keras.mean()).max():.3g}" in claim.text


def test_claims_say_what_the_numbers_show_when_they_agree():
    one = compare(BATCHES[:1], HELD, momentum=0.0)  # torch with weight 1 on one batch = Algorithm 2's statistics
    claim = torch_vs_paper(one)
    assert "agree" in claim.text and "uses the single batch" in claim.text
    # a constant feature: only the eps under Keras's root keeps its running_std above sqrt(torch's running_var)
    flat = [np.column_stack([b[:, :4], np.full(6, 2.0)]) for b in BATCHES[:1]]
    c = compare(flat, HELD, momentum=0.0)
    assert np.all(c.keras_std <= np.sqrt(c.torch_var + c.keras_eps))
    claim = running_std(c)
    assert not claim.holds and "in 4 of 5 features" in claim.text and "only the eps" in claim.text
    flat = np.full((6, 1), 2.0)  # one constant feature, held-out batch included: mode 0 outputs 0 everywhere
    claim = eps_twice(compare([flat], flat, momentum=0.0))
    assert not claim.holds and "by up to 0.0e+00 here (the output is 0 everywhere)" in claim.text


def test_eps_and_mode_1_claims_follow_eps():
    big = compare(BATCHES, HELD, keras_eps=0.1)
    assert eps_twice(big).holds and "eps = 0.1" in eps_twice(big).text
    assert float(eps_twice(big).text.split("by up to ")[1].split(" ")[0]) > 1e-2
    claim = mode_1(big)
    assert claim.holds and "per feature the means reach" in claim.text


def test_feature_batches_hold_out_a_fresh_batch():
    train, held = feature_batches("synthetic", 3, 8, 4, seed=5)
    assert len(train) == 3 and all(b.shape == (8, 4) for b in train) and held.shape == (8, 4)
    assert not any(np.allclose(b, held) for b in train)
    with pytest.raises(ValueError, match="N >= 2"):
        compare(*feature_batches("synthetic", 2, 1, 4))
