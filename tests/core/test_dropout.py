"""Dropout forms against torch.nn.functional.dropout and SeededDropout; expectations; early stopping."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from core.dropout import FORMS, apply, digit_activations, dropout_demo, expected, keep_mask
from core.early_stopping import early_stop
from core.networks import SeededDropout

PS = [0.1, 0.3, 0.5, 0.8]


@pytest.mark.parametrize("p", PS)
def test_inverted_training_output_matches_torch_dropout_with_its_mask(p):
    torch.manual_seed(3)
    x = torch.rand(64, 50, dtype=torch.float64) + 0.1  # strictly positive: a zero in torch's output is a drop
    out = F.dropout(x, p, training=True)
    keep = out != 0
    assert torch.allclose(apply(x, keep, p, "inverted", train=True), out, rtol=1e-12, atol=0)
    assert torch.equal(apply(x, keep, p, "inverted", train=False), F.dropout(x, p, training=False))


@pytest.mark.parametrize("p", PS)
def test_mask_is_seeded_dropouts_draw(p):
    x = torch.rand(10, 30) + 0.1
    drop = SeededDropout(p, torch.Generator().manual_seed(11)).train()
    keep = keep_mask(x.shape, p, torch.Generator().manual_seed(11))
    assert torch.equal(drop(x) != 0, keep)
    assert not torch.equal(drop(x) != 0, keep)  # the generator advanced: the next step draws a new mask


@pytest.mark.parametrize("p", PS)
def test_classic_form_scales_at_test_time(p):
    x = torch.rand(100, dtype=torch.float64)
    keep = keep_mask(x.shape, p, torch.Generator().manual_seed(0))
    assert torch.equal(apply(x, keep, p, "classic", train=True), x * keep)
    assert torch.allclose(apply(x, keep, p, "classic", train=False), x * (1 - p))
    assert torch.allclose(apply(x, keep, p, "inverted", train=True) * (1 - p), apply(x, keep, p, "classic", True))


@pytest.mark.parametrize("form", list(FORMS))
@pytest.mark.parametrize("p", PS)
def test_test_output_equals_expected_training_output(form, p):
    a = digit_activations(0, 32)
    demo = dropout_demo(a, p, seed=5, n_masks=20_000)
    assert np.allclose(expected(torch.as_tensor(a), p, form).numpy(), demo.test[form])
    # Monte Carlo: the mean of Bernoulli(1-p) / scale over n masks has std a * sqrt(p (1-p) / n) / scale.
    scale = (1 - p) if form == "inverted" else 1.0
    sd = a * np.sqrt(p * (1 - p) / demo.n_masks) / scale
    assert np.all(np.abs(demo.mc_mean[form] - demo.test[form]) <= 5 * sd + 1e-12)


def test_demo_is_seeded_and_rows_agree():
    a = digit_activations(1, 16, index=3)
    d1, d2 = dropout_demo(a, 0.5, 7, 100), dropout_demo(a, 0.5, 7, 100)
    assert np.array_equal(d1.keep, d2.keep) and not np.array_equal(d1.keep, dropout_demo(a, 0.5, 8, 100).keep)
    assert np.allclose(d1.train["inverted"], np.where(d1.keep, a / 0.5, 0))
    assert (a >= 0).all() and a.shape == (16,)


@pytest.mark.parametrize("p", [-0.1, 1.0, float("nan")])
def test_bad_p_is_a_sentence(p):
    with pytest.raises(ValueError, match="Dropout p"):
        dropout_demo(np.ones(4), p, 0)


def test_unknown_form():
    with pytest.raises(ValueError, match="form"):
        apply(torch.ones(3), torch.ones(3, dtype=torch.bool), 0.5, "gaussian", True)


@pytest.mark.parametrize("curve, patience, best, stop, stopped", [
    ([5, 4, 3, 3.5, 3.6, 3.7, 2.9], 2, 2, 4, True),
    ([5, 4, 3, 3.5, 3.6, 3.7, 2.9], 4, 6, 6, False),
    ([5, 4, 3, 2, 1], 1, 4, 4, False),
    ([1, 2, 3], 1, 0, 1, True),
    ([3, 2, float("nan"), 1], 5, 1, 2, True),  # a diverged epoch halts at once
])
def test_early_stopping(curve, patience, best, stop, stopped):
    s = early_stop(np.array(curve), patience)
    assert (s.best, s.stop, s.stopped) == (best, stop, stopped)


def test_early_stopping_min_delta_and_bad_patience():
    assert early_stop(np.array([1.0, 0.99, 0.98, 0.97]), 2, min_delta=0.05).best == 0
    with pytest.raises(ValueError, match="Patience"):
        early_stop(np.ones(3), 0)
