"""Gradient checking: the correct net passes far below 1e-7, each planted bug fails by far, in the tensors it
touches, and torch.autograd.gradcheck reaches the same verdict."""

import numpy as np
import pytest
import torch

from core.gradcheck import (
    BUGS,
    SHAPES,
    THRESHOLDS,
    _loss_batch,
    _split,
    analytic_grad,
    check,
    h_sweep,
    loss,
    make_problem,
    numerical_grad,
    relative_error,
    tensor_errors,
    torch_verdict,
)

TOUCHED = {"tanh_square": {"W1", "b1"}, "bias_mean": {"b1", "b2"}, "l2_factor": {"W1", "W2"}}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_correct_backward_passes(seed):
    res = check(make_problem(seed), "none", 1e-5)
    assert set(res.per_tensor) == set(SHAPES)
    assert res.worst < THRESHOLDS["fine"]


@pytest.mark.parametrize("bug", [b for b in BUGS if b != "none"])
def test_each_bug_fails_by_far_in_the_tensors_it_touches(bug):
    res = check(make_problem(0), bug, 1e-5)
    for name, err in res.per_tensor.items():
        if name in TOUCHED[bug]:
            assert err > 1e-2, (name, err)
        else:
            assert err < THRESHOLDS["fine"], (name, err)


@pytest.mark.parametrize("bug", list(BUGS))
def test_verdict_matches_torch_autograd_gradcheck(bug):
    prob = make_problem(0)
    ours = check(prob, bug, 1e-6).worst < THRESHOLDS["suspicious"]
    assert torch_verdict(prob, bug) == ours == (bug == "none")


def test_hand_written_backward_equals_autograd_of_plain_ops():
    prob = make_problem(4)
    theta = prob.theta.clone().requires_grad_(True)
    (g,) = torch.autograd.grad(_plain_loss(prob, theta), theta)
    assert torch.allclose(analytic_grad(prob), g, rtol=1e-12, atol=1e-14)
    assert torch.allclose(loss(_split(prob.theta), prob), _loss_batch(prob, prob.theta[None])[0], rtol=1e-14)


def _plain_loss(prob, theta):
    w1, b1, w2, b2 = _split(theta)
    z = torch.tanh(prob.x @ w1 + b1) @ w2 + b2
    return torch.nn.functional.cross_entropy(z, prob.y) + prob.reg * ((w1 ** 2).sum() + (w2 ** 2).sum())


def test_centred_difference_converges_at_second_order():
    # The centred difference is second order: halving h quarters the error while truncation dominates.
    prob = make_problem(0)
    a = analytic_grad(prob).numpy()
    e1 = np.abs(numerical_grad(prob, 1e-2).numpy() - a).max()
    e2 = np.abs(numerical_grad(prob, 5e-3).numpy() - a).max()
    assert 3.5 < e1 / e2 < 4.5


def test_h_sweep_shows_truncation_and_round_off():
    hs = np.array([1e-12, 1e-9, 1e-5, 1e-1])
    e64 = h_sweep(make_problem(0), hs)
    assert e64[2] < 1e-7 and e64[0] > 1e-5 and e64[3] > 1e-4  # round-off at tiny h, truncation at large h
    assert e64[1] > e64[2]
    e32 = h_sweep(make_problem(0, torch.float32), np.logspace(-6, -1, 11))
    assert e32.min() > 1e-6  # no h rescues a float32 check


def test_relative_error_and_bad_inputs():
    assert np.array_equal(relative_error(np.array([0.0, 1.0, -2.0]), np.array([0.0, 1.0, 2.0])), [0.0, 0.0, 2.0])
    with pytest.raises(ValueError, match="step h"):
        numerical_grad(make_problem(0), 0.0)
    with pytest.raises(ValueError, match="bug"):
        loss(_split(make_problem(0).theta), make_problem(0), "typo")
    with pytest.raises(ValueError, match="float64"):
        torch_verdict(make_problem(0, torch.float32))


def test_tensor_error_is_the_formula_on_whole_tensors():
    a = np.zeros(sum(int(np.prod(s)) for s in SHAPES.values()))
    n = a.copy()
    a[0], n[0] = 3.0, 3.0  # W1: one big entry that agrees ...
    a[1], n[1] = 1e-12, 2e-12  # ... and a near-zero one that does not: 50% off on its own
    a[-1], n[-1] = 1.0, 2.0  # b2: one entry off by half
    errs = tensor_errors(a, n)
    assert errs["W1"] == pytest.approx(1e-12 / np.hypot(3.0, 2e-12))
    assert relative_error(a, n)[1] == pytest.approx(0.5)
    assert errs["b2"] == pytest.approx(0.5) and errs["b1"] == 0.0
