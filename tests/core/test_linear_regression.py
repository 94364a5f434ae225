"""Linear-regression descent: closed form vs data vs torch autograd, the engine path vs core.optimizers, seeds."""

import numpy as np
import pytest
import torch

from core.linear_regression import MinibatchGrad, gd_variants, make_data, variant_batches
from core.optimizers import OPTIMIZERS, run
from core.surfaces import Surface

DATA = make_data(n=60, noise=0.7, seed=3)
POINTS = np.array([[-1.0, 3.0], [2.5, -0.5], [0.3, 0.1], [7.0, -4.0]])


def _torch_loss(p, x, y):
    w, b = p[0], p[1]
    return 0.5 * torch.mean((w * x + b - y) ** 2)


def _autograd(p, idx=None):
    idx = np.arange(DATA.n) if idx is None else idx
    t = torch.tensor(p, dtype=torch.float64, requires_grad=True)
    loss = _torch_loss(t, torch.from_numpy(DATA.x[idx]), torch.from_numpy(DATA.y[idx]))
    loss.backward()
    return loss.item(), t.grad.numpy()


def test_closed_form_value_and_gradient_match_torch_autograd():
    for p in POINTS:
        loss, grad = _autograd(p)
        assert DATA.value(p) == pytest.approx(loss, rel=1e-12)
        np.testing.assert_allclose(DATA.grad(p), grad, rtol=1e-12, atol=1e-12)


def test_full_batch_closure_equals_closed_form_gradient():
    out = MinibatchGrad(DATA, [DATA.n] * len(POINTS))(POINTS, np.empty_like(POINTS))
    np.testing.assert_allclose(out, DATA.grad(POINTS), rtol=1e-12, atol=1e-12)


def test_minibatch_gradient_is_autograd_on_the_drawn_batch():
    b, seed = 7, 11
    order = np.random.default_rng([seed, b, 104651]).permutation(DATA.n)  # the documented (seed, b) stream
    g = MinibatchGrad(DATA, [b], seed)
    for k in range(3):
        out = g(POINTS[:1], np.empty((1, 2)))
        np.testing.assert_allclose(out[0], _autograd(POINTS[0], order[k * b:(k + 1) * b])[1], rtol=1e-12)


def test_every_example_is_used_once_per_epoch():
    b = 6
    g = MinibatchGrad(DATA, [b], seed=0)
    seen = np.concatenate([g._next(0) for _ in range(DATA.n // b)])
    assert sorted(seen) == list(range(DATA.n))


def test_minimum_is_least_squares_and_stability_limit_is_two_over_lambda_max():
    X = np.c_[DATA.x, np.ones(DATA.n)]
    np.testing.assert_allclose(DATA.minimum, np.linalg.lstsq(X, DATA.y, rcond=None)[0], rtol=1e-10)
    np.testing.assert_allclose(DATA.grad(DATA.minimum), 0.0, atol=1e-12)
    lmax = np.linalg.eigvalsh(X.T @ X / DATA.n)[-1]
    assert DATA.max_stable_lr == pytest.approx(2 / lmax)
    below = gd_variants(DATA, 5, steps=400, lr=0.97 * DATA.max_stable_lr)
    above = gd_variants(DATA, 5, steps=400, lr=1.03 * DATA.max_stable_lr)
    assert below.diverged_at[0] is None and above.diverged_at[0] is not None


def _surface() -> Surface:
    H, q, c = DATA.hessian, DATA.q, 0.5 * np.mean(DATA.y**2)

    def formula(w, b, m):
        return 0.5 * (H[0, 0] * w * w + 2 * H[0, 1] * w * b + H[1, 1] * b * b) - q[0] * w - q[1] * b + c

    def gradient(w, b):
        return H[0, 0] * w + H[0, 1] * b - q[0], H[1, 0] * w + H[1, 1] * b - q[1]

    return Surface("lin", "linear regression", "", formula, gradient, (-10.0, 10.0, -10.0, 10.0))


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_full_batch_path_equals_core_optimizers_on_the_same_quadratic(name):
    lr = {"adadelta": 1.0, "adagrad": 0.5}.get(name, 0.05)
    ours = gd_variants(DATA, 4, name, start=(-1.0, 3.0), steps=150, lr=lr)
    ref = run(name, _surface(), start=(-1.0, 3.0), steps=150, lr=lr)
    np.testing.assert_allclose(ours.points[:, 0], ref.points, rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(ours.losses[:, 0], ref.losses, rtol=1e-9, atol=1e-11)


def test_minibatch_paths_are_reproducible_by_seed():
    a = gd_variants(DATA, 8, seed=5, steps=50, lr=0.1)
    b = gd_variants(DATA, 8, seed=5, steps=50, lr=0.1)
    c = gd_variants(DATA, 8, seed=6, steps=50, lr=0.1)
    np.testing.assert_array_equal(a.points, b.points)
    np.testing.assert_array_equal(a.points[:, 0], c.points[:, 0])  # full batch has no randomness
    assert not np.allclose(a.points[:, 1:], c.points[:, 1:])


def test_batch_of_n_equals_full_batch():
    res = gd_variants(DATA, DATA.n, steps=80, lr=0.2, optimizer="momentum")
    np.testing.assert_array_equal(res.points[:, 2], res.points[:, 0])
    assert res.steps_per_epoch == (1, DATA.n, 1)


def test_stochastic_run_ends_noisier_than_full_batch():
    res = gd_variants(DATA, 10, steps=600, lr=0.1)
    spread = [np.std(res.losses[300:, i]) for i in range(3)]
    assert spread[1] > spread[2] > spread[0]


def test_epoch_budget_gives_each_variant_its_own_number_of_updates():
    res = gd_variants(DATA, 7, steps=3, budget="epochs", lr=0.05)
    assert res.steps == (3, 3 * DATA.n, 3 * 9)  # ceil(60 / 7) = 9 updates per epoch
    assert np.isnan(res.points[4, 0]).all() and np.isfinite(res.points[3, 0]).all()
    assert np.isfinite(res.points[27, 2]).all() and np.isnan(res.points[28, 2]).all()


@pytest.mark.parametrize("kwargs, words", [
    ({"batch_size": 61}, "cannot hold more examples"),
    ({"batch_size": 0}, "between 1 and the 60"),
    ({"budget": "epochs", "steps": 1000}, "updates"),
    ({"budget": "hours"}, "Unknown budget"),
    ({"lr": -1.0}, "lr"),
])
def test_bad_settings_raise_a_sentence(kwargs, words):
    with pytest.raises(ValueError, match=words):
        gd_variants(DATA, **{"batch_size": 5, **kwargs})


def test_variant_names_and_data_validation():
    assert list(variant_batches(100, 10).values()) == [100, 1, 10]
    with pytest.raises(ValueError):
        make_data(n=1)
    with pytest.raises(ValueError):
        make_data(noise=float("nan"))
