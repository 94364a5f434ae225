"""Saturation and dead units vs a brute-force NumPy count on real torch activations, for every activation."""

import numpy as np
import pytest
import torch

from core.layer_stats import PairedTrainer, forward_stats
from core.networks import ACTIVATIONS
from core.saturation import SATURATION, saturation, saturation_mask

# The documented definitions, written independently on NumPy arrays of (pre, post), element by element.
BRUTE = {
    "relu": lambda z, a: a == 0.0,
    "sigmoid": lambda z, a: (a < 0.01) or (a > 0.99),
    "tanh": lambda z, a: abs(a) > 0.99,
    "leaky_relu": lambda z, a: z < 0.0,
    "elu": lambda z, a: a < -0.99,
    "gelu": lambda z, a: z < -3.0,
}
# Where each rule's slope claim in core/saturation.py's table must hold (max |slope| over saturated values).
SLOPE_BOUND = {"relu": 0.0, "sigmoid": 0.0099, "tanh": 0.0199, "leaky_relu": 0.0100001, "elu": 0.01,
               "gelu": 0.013}


def _brute(pre: np.ndarray, post: np.ndarray, act: str) -> tuple[float, float]:
    rule = BRUTE[act]
    n, units = post.shape[0], post.shape[1]
    flat_pre, flat_post = pre.reshape(n, units, -1), post.reshape(n, units, -1)
    hits, dead = 0, 0
    for u in range(units):
        unit_hits = sum(rule(flat_pre[i, u, j], flat_post[i, u, j]) for i in range(n)
                        for j in range(flat_post.shape[2]))
        hits += unit_hits
        dead += unit_hits == n * flat_post.shape[2]
    return hits / post.size, dead / units


def test_registry_covers_every_activation():
    assert set(SATURATION) == set(ACTIVATIONS) == set(BRUTE)


@pytest.mark.parametrize("act", list(ACTIVATIONS))
@pytest.mark.parametrize("shape", [(40, 12), (6, 3, 4, 4)])
def test_matches_brute_force_count(act, shape):
    g = torch.Generator().manual_seed(1)
    pre = torch.randn(*shape, generator=g) * 4
    pre[:, 0] = -torch.rand(shape[0], *shape[2:], generator=g) * 8 - 5  # unit 0 far negative: dead for most rules
    post = ACTIVATIONS[act]()(pre)
    s = saturation(pre, post, act)
    sat, dead = _brute(pre.numpy(), post.numpy(), act)
    assert s.saturated == pytest.approx(sat, abs=1e-12) and s.dead == pytest.approx(dead, abs=1e-12)
    assert 0 < s.saturated < 1


@pytest.mark.parametrize("act", list(ACTIVATIONS))
def test_saturated_values_have_the_documented_small_slope(act):
    z = torch.linspace(-12, 12, 20001, dtype=torch.float64, requires_grad=True)
    a = ACTIVATIONS[act]()(z)
    (slope,) = torch.autograd.grad(a.sum(), z)
    mask = saturation_mask(z.detach(), a.detach(), act)
    assert mask.any() and (~mask).any()
    assert slope[mask].abs().max() <= SLOPE_BOUND[act]
    assert slope[~mask].abs().max() > SLOPE_BOUND[act]  # the rule does not also flag healthy values


def test_known_values_and_unknown_activation():
    z = torch.tensor([[-1.0, 0.0, 2.0], [-3.0, -1.0, 5.0]])
    s = saturation(z, torch.relu(z), "relu")
    assert (s.saturated, s.dead) == (4 / 6, 2 / 3)  # relu(0) = 0 counts; units 0 and 1 are dead
    with pytest.raises(ValueError, match="No saturation rule"):
        saturation(z, z, "softplus")


def test_cs231n_large_init_saturates_tanh_and_batch_norm_fixes_it():
    big = forward_stats(depth=6, width=200, activation="tanh", init="normal_1", samples=300, seed=0)
    fixed = forward_stats(depth=6, width=200, activation="tanh", init="normal_1", samples=300, seed=0, norm="batch")
    assert all(s.saturated > 0.5 for s in big[1:])
    assert all(s.saturated < 0.05 for s in fixed)


def test_trainer_records_saturation_of_the_probed_batch():
    pair = PairedTrainer(dataset="moons", depth=2, width=16, activation="relu", init="he", lr=0.1, batch_size=30,
                         record_every=5)
    pair.step(10)
    snap = pair.snapshot()
    for layer in (*snap.plain.layers, *snap.normed.layers):
        assert 0.0 <= layer.dead <= layer.saturated <= 1.0
    # An independent forward of the same upcoming batch through the plain net.
    x, _ = pair._next_batch()
    z = pair.plain.blocks[0].linear(x)
    assert snap.plain.layers[0].saturated == pytest.approx(float((torch.relu(z) == 0).double().mean()))
