"""The noisy-BN experiment: the noise as defined, off = batch norm exactly, seeds, and the drift's definition."""

from dataclasses import replace

import numpy as np
import pytest
import torch

from core.bn_twins import NetSettings
from core.noisy_bn import NOISE_SEED, NoisyConfig, StepNoise, noisy_bn, passes

torch.set_num_threads(1)  # as app.py sets it
TINY = NoisyConfig(net=NetSettings(depth=2, width=16), steps=30, record_every=10, noise_mean=1.0, noise_scale=2.0)


@pytest.fixture(scope="module")
def tiny():
    return noisy_bn(TINY)


def test_the_noise_per_step_is_as_defined():
    noise = StepNoise(50, mean=0.5, scale=3.0, generator=torch.Generator().manual_seed(0))
    x = torch.randn(8, 50)
    shifts, scales = [], []
    for _ in range(400):
        noise.redraw()
        assert torch.equal(noise(x), x * noise.scale + noise.shift)  # one shift and scale per unit, every example
        shifts.append(noise.shift)
        scales.append(noise.scale)
    m, s = torch.stack(shifts), torch.stack(scales)
    assert float(m.min()) >= -0.5 and float(m.max()) <= 0.5 and float(s.min()) >= 1 and float(s.max()) <= 3
    assert abs(float(m.mean())) < 0.02 and abs(float(s.mean()) - 2.0) < 0.02  # U(−0.5, 0.5), U(1, 3)
    assert abs(float(m.var()) - 1 / 12) < 0.005 and abs(float(s.var()) - 4 / 12) < 0.02
    assert not torch.equal(shifts[0], shifts[1])  # afresh each step
    noise.eval()
    assert torch.equal(noise(x), x * 2.0)  # at test time its expectation: E[s] = (1 + 3) / 2, E[m] = 0
    off = StepNoise(50, mean=0.0, scale=1.0, generator=torch.Generator()).eval()
    assert torch.equal(off(x), x)


def test_with_the_noise_off_the_noisy_net_is_the_bn_net(tiny):
    off = noisy_bn(replace(TINY, noise_mean=0.0, noise_scale=1.0))
    np.testing.assert_array_equal(off.loss[2], off.loss[1])
    np.testing.assert_array_equal(off.accuracy[2], off.accuracy[1])
    np.testing.assert_array_equal(off.percentiles[2], off.percentiles[1])
    np.testing.assert_array_equal(off.loss[:2], tiny.loss[:2])  # the noise never touches the other twins


def test_the_first_step_is_the_bn_net_scaled_and_shifted(tiny):
    # Both start from the same weights: at step 0 the noisy net's pre-activations of layer 1 are s·a + m of the
    # BN net's, so each unit's percentiles map the same way (a positive affine map keeps their order).
    g = torch.Generator().manual_seed(TINY.net.seed + NOISE_SEED)
    first = StepNoise(16, TINY.noise_mean, TINY.noise_scale, g)
    first.redraw()
    bn, noisy = tiny.percentiles[1, 0, 0], tiny.percentiles[2, 0, 0]  # (3, units)
    np.testing.assert_allclose(noisy, bn * first.scale.numpy() + first.shift.numpy(), rtol=1e-5, atol=1e-5)


def test_same_seeds_same_numbers(tiny):
    again = noisy_bn(TINY)
    for f in ("loss", "accuracy", "percentiles"):
        np.testing.assert_array_equal(getattr(again, f), getattr(tiny, f))
    other = noisy_bn(replace(TINY, net=replace(TINY.net, seed=1)))
    assert not np.array_equal(other.percentiles, tiny.percentiles)


def test_shapes_and_the_drift_definition(tiny):
    assert tiny.complete and tiny.steps.tolist() == [0, 10, 20] and tiny.diverged_at == (None, None, None)
    assert tiny.percentiles.shape == (3, 3, 2, 3, 16) and tiny.accuracy.shape == (3, 3)
    p = tiny.percentiles
    manual = [[np.mean(np.abs(p[n, t] - p[n, 0])) for t in range(3)] for n in range(3)]
    np.testing.assert_allclose(tiny.drift_curve, manual)
    assert np.all(tiny.drift_curve[:, 0] == 0)
    np.testing.assert_allclose(tiny.drift, np.mean(manual, axis=1))
    assert np.all(np.diff(p, axis=3) >= 0)  # 15th <= 50th <= 85th
    assert np.all((tiny.accuracy >= 0) & (tiny.accuracy <= 1))


def test_stop_and_bad_settings():
    r = noisy_bn(TINY, stop_at=0.0)
    assert not r.complete and len(r.steps) == 0
    with pytest.raises(ValueError, match=r"\.$"):
        noisy_bn(replace(TINY, noise_scale=0.5))
    assert passes(TINY) == 3 * 30 + 3 * 3 * 2.5
