"""Running statistics against torch.nn.BatchNorm2d / BatchNorm1d over a sequence of batches, Keras by hand."""

import numpy as np
import pytest
import torch

from core.running_stats import (
    batch_moments,
    batch_norm_eval,
    keras_running,
    population_stats,
    torch_running,
)


def _batches(seed=0, shape=(4, 3, 5, 5), count=12):
    rng = np.random.default_rng(seed)
    offset, scale = rng.normal(size=(1, shape[1], 1, 1)) * 3, rng.uniform(0.5, 3, size=(1, shape[1], 1, 1))
    return [offset + scale * rng.normal(size=shape) for _ in range(count)]


@pytest.mark.parametrize("momentum", [0.1, 0.01, 0.5, 1.0, None])
def test_torch_convention_matches_batchnorm2d_after_every_batch(momentum):
    batches = _batches()
    ours = torch_running(batches, momentum=momentum)
    bn = torch.nn.BatchNorm2d(3, momentum=momentum, dtype=torch.float64).train()
    np.testing.assert_allclose(ours.mean[0], bn.running_mean.numpy())
    for t, b in enumerate(batches, start=1):
        bn(torch.from_numpy(b))
        np.testing.assert_allclose(ours.mean[t], bn.running_mean.numpy(), rtol=0, atol=1e-12)
        np.testing.assert_allclose(ours.var[t], bn.running_var.numpy(), rtol=0, atol=1e-12)


def test_torch_convention_on_features_matches_batchnorm1d():
    rng = np.random.default_rng(1)
    batches = [rng.normal(size=(5, 4)) * 2 + 1 for _ in range(6)]
    ours = torch_running(batches)
    bn = torch.nn.BatchNorm1d(4, dtype=torch.float64).train()
    for b in batches:
        bn(torch.from_numpy(b))
    np.testing.assert_allclose(ours.mean[-1], bn.running_mean.numpy(), atol=1e-12)
    np.testing.assert_allclose(ours.var[-1], bn.running_var.numpy(), atol=1e-12)


def test_eval_mode_matches_batchnorm2d_eval():
    batches = _batches(seed=2)
    bn = torch.nn.BatchNorm2d(3, dtype=torch.float64).train()
    with torch.no_grad():
        bn.weight.copy_(torch.tensor([0.5, 2.0, -1.0]))
        bn.bias.copy_(torch.tensor([0.1, 0.0, 3.0]))
    for b in batches:
        bn(torch.from_numpy(b))
    bn.eval()
    x = _batches(seed=3, count=1)[0]
    run = torch_running(batches)
    ours = batch_norm_eval(x, run.mean[-1], run.var[-1], 1e-5, bn.weight.detach().numpy(), bn.bias.detach().numpy())
    np.testing.assert_allclose(ours, bn(torch.from_numpy(x)).detach().numpy(), atol=1e-12)


def test_keras_convention_weighs_the_old_value_and_uses_the_biased_variance():
    batches = _batches(count=3)
    ours = keras_running(batches, momentum=0.9)
    mean, var = np.zeros(3), np.ones(3)
    for b in batches:
        mean = 0.9 * mean + 0.1 * b.mean(axis=(0, 2, 3))
        var = 0.9 * var + 0.1 * b.var(axis=(0, 2, 3))
    np.testing.assert_allclose(ours.mean[-1], mean, atol=1e-13)
    np.testing.assert_allclose(ours.var[-1], var, atol=1e-13)
    # torch with momentum 0.1 weighs the batch like Keras with 0.9; only the variance estimate differs (m/(m-1))
    tor = torch_running(batches, momentum=0.1)
    np.testing.assert_allclose(tor.mean, ours.mean, atol=1e-13)
    assert np.all(tor.var[1:] > ours.var[1:])


def test_population_statistics_are_the_paper_algorithm_2():
    batches = _batches(count=50)
    mean, var = population_stats(batches)
    m = 4 * 5 * 5
    np.testing.assert_allclose(mean, np.mean([b.mean(axis=(0, 2, 3)) for b in batches], axis=0))
    np.testing.assert_allclose(var, m / (m - 1) * np.mean([b.var(axis=(0, 2, 3)) for b in batches], axis=0))
    # equal-size batches: the mean of the batch means is the mean of everything seen
    np.testing.assert_allclose(mean, np.concatenate(batches).mean(axis=(0, 2, 3)), atol=1e-12)


def test_running_mean_converges_to_the_population_mean():
    run = torch_running(_batches(count=200), momentum=0.1)
    mean, var = population_stats(_batches(count=200))
    np.testing.assert_allclose(run.mean[-1], mean, atol=0.15 * np.sqrt(var).max())


@pytest.mark.parametrize(("call", "words"), [
    (lambda b: torch_running(b, momentum=0.0), "must be in (0, 1]"),
    (lambda b: torch_running(b, momentum=1.5), "must be in (0, 1]"),
    (lambda b: keras_running(b, momentum=1.0), "must be in [0, 1)"),
    (lambda b: torch_running([]), "at least one batch"),
    (lambda b: torch_running([b[0], b[0][:, :2]]), "same number of channels"),
    (lambda b: batch_moments(b[0][:1, :, 0, 0]), "single value per channel"),
    (lambda b: batch_norm_eval(b[0], np.zeros(2), np.ones(3)), "one per channel"),
    (lambda b: batch_norm_eval(b[0], np.zeros(3), np.ones(3), eps=0), "eps must be"),
])
def test_bad_input_raises_a_readable_sentence(call, words):
    with pytest.raises(ValueError) as err:
        call(_batches(count=2))
    assert words in str(err.value)
