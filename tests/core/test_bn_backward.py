"""The paper's BatchNorm backward formulas against torch autograd, for every layout."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from core.bn_backward import autograd_grads, batch_norm_backward, batch_norm_forward, max_abs_error
from core.normalization import normalize


@pytest.mark.parametrize("shape", [(6, 3), (2, 4, 3), (3, 2, 4, 5), (2, 1, 1, 3)])
@pytest.mark.parametrize("seed", range(3))
def test_backward_matches_autograd(shape, seed):
    rng = np.random.default_rng(seed)
    c = shape[-1] if len(shape) == 3 else shape[1]
    x = rng.normal(size=shape) * 2 + 1
    gamma, beta, dy = rng.normal(size=c), rng.normal(size=c), rng.normal(size=shape)
    fwd = batch_norm_forward(x, gamma, beta, eps=1e-3)
    ours = batch_norm_backward(dy, fwd)
    ref = autograd_grads(x, gamma, beta, dy, eps=1e-3)
    assert all(err < 1e-10 for err in max_abs_error(ours, ref).values()), max_abs_error(ours, ref)


def test_autograd_reference_is_torch_itself():
    rng = np.random.default_rng(0)
    x, g, b, dy = rng.normal(size=(5, 3)), rng.normal(size=3), rng.normal(size=3), rng.normal(size=(5, 3))
    xt = torch.tensor(x, requires_grad=True)
    F.batch_norm(xt, None, None, torch.tensor(g), torch.tensor(b), training=True).backward(torch.tensor(dy))
    np.testing.assert_allclose(autograd_grads(x, g, b, dy).dx, xt.grad.numpy())


def test_forward_steps_are_algorithm_1_and_match_normalize():
    rng = np.random.default_rng(4)
    x, gamma, beta = rng.normal(size=(6, 3)) * 4, rng.normal(size=3), rng.normal(size=3)
    fwd = batch_norm_forward(x, gamma, beta)
    np.testing.assert_allclose(fwd.mu, x.mean(axis=0))
    np.testing.assert_allclose(fwd.var, x.var(axis=0))
    np.testing.assert_allclose(fwd.xhat, (x - fwd.mu) / np.sqrt(fwd.var + 1e-5))
    np.testing.assert_allclose(fwd.y, normalize(x, "batch", weight=gamma, bias=beta), atol=1e-12)
    assert fwd.m == 6


def test_gradient_of_a_sum_through_batchnorm_is_zero_for_x():
    # sum(y) does not depend on x (each channel's xhat sums to 0): the formulas must give dx = 0, dgamma = 0
    x = np.random.default_rng(1).normal(size=(4, 2))
    grads = batch_norm_backward(np.ones_like(x), batch_norm_forward(x))
    np.testing.assert_allclose(grads.dx, 0, atol=1e-12)
    np.testing.assert_allclose(grads.dgamma, 0, atol=1e-12)
    np.testing.assert_allclose(grads.dbeta, 4)


@pytest.mark.parametrize(("call", "words"), [
    (lambda: batch_norm_forward(np.ones((1, 3))), "more than one value per channel"),
    (lambda: batch_norm_forward(np.ones((4, 3)), gamma=np.ones(2)), "shape (3,)"),
    (lambda: batch_norm_forward(np.ones((4, 3)), eps=-1), "eps must be"),
    (lambda: batch_norm_backward(np.ones((2, 3)), batch_norm_forward(np.eye(4, 3))), "shape of x"),
])
def test_bad_input_raises_a_readable_sentence(call, words):
    with pytest.raises(ValueError) as err:
        call()
    assert words in str(err.value)
