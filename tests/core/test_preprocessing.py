"""Preprocessing: whitened covariance is I, ZCA is the closest whitening, PCA and ZCA differ by a rotation."""

import numpy as np
import pytest

from core.preprocessing import (
    HYPERPLANE_INITS,
    PREPROCESSINGS,
    active_shares,
    correlated_pixels,
    covariance,
    digits_whitening,
    eig,
    hyperplane_cuts,
    preprocess,
    random_hyperplanes,
)


@pytest.fixture(scope="module")
def x():
    return correlated_pixels(400, rho=0.9, seed=0)


def _random_rotation(d: int, seed: int) -> np.ndarray:
    q, r = np.linalg.qr(np.random.default_rng(seed).normal(size=(d, d)))
    return q * np.sign(np.diag(r))


def test_pixels_sit_in_the_unit_square_with_the_asked_correlation_and_are_seeded(x):
    assert x.shape == (400, 2) and np.all((x > 0) & (x < 1))
    assert np.corrcoef(x.T)[0, 1] == pytest.approx(0.9, abs=0.05)  # truncation lowers it a little
    np.testing.assert_array_equal(x, correlated_pixels(400, rho=0.9, seed=0))
    assert not np.array_equal(x, correlated_pixels(400, rho=0.9, seed=1))


@pytest.mark.parametrize("kind", list(PREPROCESSINGS))
def test_every_kind_is_the_affine_map_it_reports(x, kind):
    p = preprocess(x, kind, eps=0.0)
    np.testing.assert_allclose(p.x, (x - p.mean) @ p.W, atol=1e-12)
    np.testing.assert_allclose(p.cov, np.cov(p.x.T, bias=True), atol=1e-12)


def test_centring_and_z_scoring_match_numpy(x):
    np.testing.assert_allclose(preprocess(x, "center").x.mean(axis=0), 0, atol=1e-14)
    z = preprocess(x, "standardize").x
    np.testing.assert_allclose(z, (x - x.mean(0)) / x.std(0), atol=1e-12)
    np.testing.assert_allclose(np.diag(covariance(z)), 1, atol=1e-12)


@pytest.mark.parametrize("kind", ["pca", "zca"])
@pytest.mark.parametrize("d", [2, 5])
def test_whitened_covariance_is_the_identity_at_eps_zero(kind, d):
    data = np.random.default_rng(d).normal(size=(300, d)) @ np.random.default_rng(9).normal(size=(d, d)) + 3
    np.testing.assert_allclose(preprocess(data, kind, eps=0.0).cov, np.eye(d), atol=1e-10)


def test_eps_shrinks_each_direction_by_its_closed_form(x):
    lam, U = eig(x)
    eps = 1e-2
    p = preprocess(x, "pca", eps=eps)
    np.testing.assert_allclose(np.diag(p.cov), lam / (lam + eps), rtol=1e-10)
    np.testing.assert_allclose(U.T @ preprocess(x, "zca", eps=eps).cov @ U, np.diag(lam / (lam + eps)), atol=1e-12)


def test_zca_is_symmetric_and_the_whitening_closest_to_the_data(x):
    zca = preprocess(x, "zca", eps=0.0)
    xc = x - x.mean(axis=0)
    np.testing.assert_allclose(zca.W, zca.W.T, atol=1e-12)
    np.testing.assert_allclose(zca.W @ zca.W, np.linalg.inv(covariance(x)), rtol=1e-9)
    best = np.mean(np.sum((zca.x - xc) ** 2, axis=1))
    for seed in range(50):  # every other whitening is W_zca @ Q with Q orthogonal; all are further away
        other = zca.x @ _random_rotation(2, seed)
        np.testing.assert_allclose(covariance(other), np.eye(2), atol=1e-10)
        assert np.mean(np.sum((other - xc) ** 2, axis=1)) >= best - 1e-12
    assert np.mean(np.sum((preprocess(x, "pca").x - xc) ** 2, axis=1)) > best + 1e-6


@pytest.mark.parametrize("eps", [0.0, 1e-3])
def test_pca_and_zca_differ_by_the_eigenvector_rotation(x, eps):
    pca, zca = preprocess(x, "pca", eps), preprocess(x, "zca", eps)
    _, U = eig(x)
    np.testing.assert_allclose(U.T @ U, np.eye(2), atol=1e-12)
    np.testing.assert_allclose(zca.x, pca.x @ U.T, atol=1e-12)


def test_eigenvectors_diagonalize_the_covariance_with_a_fixed_sign(x):
    lam, U = eig(x)
    np.testing.assert_allclose(covariance(x) @ U, U * lam, atol=1e-12)
    assert np.all(np.diff(lam) <= 0) and np.all(U[np.argmax(np.abs(U), axis=0), [0, 1]] > 0)


@pytest.mark.parametrize("init", list(HYPERPLANE_INITS))
@pytest.mark.parametrize("kind", list(PREPROCESSINGS))
def test_cut_counts_agree_with_brute_force(x, init, kind):
    w, b = random_hyperplanes(25, 2, init, seed=3)
    pts = preprocess(x, kind, 1e-5).x
    cuts = hyperplane_cuts(pts, w, b)
    for k in range(25):
        sides = {float(w[k] @ p + b[k]) > 0 for p in pts}
        assert cuts.cut[k] == (sides == {True, False})
        assert cuts.always_on[k] == (sides == {True})
        assert cuts.always_off[k] == (sides == {False})
    assert sum(cuts.counts) == 25


def test_centring_makes_zero_bias_hyperplanes_cut_the_data(x):
    w, b = random_hyperplanes(200, 2, "he_zero_bias", seed=0)
    raw = hyperplane_cuts(preprocess(x, "raw").x, w, b).counts[0]
    assert hyperplane_cuts(preprocess(x, "center").x, w, b).counts[0] == 200  # every line through the mean
    assert raw < 100  # the cloud subtends a narrow angle seen from the origin


def test_torch_default_init_draws_the_uniform_bound():
    w, b = random_hyperplanes(5000, 4, "torch", seed=0)
    assert np.abs(w).max() <= 0.5 and np.abs(b).max() <= 0.5 and np.abs(w).max() > 0.49
    np.testing.assert_array_equal(w, random_hyperplanes(5000, 4, "torch", seed=0)[0])


def test_digits_whitening_needs_eps_and_whitens_up_to_it():
    with pytest.raises(ValueError, match="zero variance"):
        digits_whitening(0.0)
    d = digits_whitening(0.1, seed=0)
    assert d.mean_image.shape == (8, 8) and sorted(d.labels) == list(range(10))
    lam = d.eigenvalues
    np.testing.assert_allclose(np.sort(np.linalg.eigvalsh(d.sets["zca"].cov))[::-1], lam / (lam + 0.1), atol=1e-10)
    assert d.sets["raw"].x.shape == (1797, 64)


@pytest.mark.parametrize(("call", "match"), [
    (lambda: preprocess(np.ones((1, 2)), "zca"), "two rows"),
    (lambda: preprocess(np.ones((5, 2)), "mystery"), "Unknown preprocessing"),
    (lambda: preprocess(np.ones((5, 2)), "standardize"), "zero variance"),
    (lambda: preprocess(np.eye(3), "pca", eps=-1.0), "eps"),
    (lambda: correlated_pixels(5, 0.5), "number of points"),
    (lambda: correlated_pixels(100, 1.0), "correlation"),
    (lambda: random_hyperplanes(3, 2, "xavier"), "Unknown initialization"),
])
def test_bad_inputs_are_refused_with_a_sentence(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_active_shares_count_each_unit_by_brute_force_and_centring_balances_them():
    d = digits_whitening(0.1, seed=0)
    w, b = random_hyperplanes(50, 64, "he_zero_bias", seed=1)
    raw = d.sets["raw"].x
    share = [np.mean([float(w[k] @ x + b[k]) > 0 for x in raw[:299]]) for k in range(50)]
    h = active_shares(raw[:299], w, b)  # 299 images: no share lands exactly on a bin edge
    np.testing.assert_allclose(h.counts, np.histogram(np.clip(share, 0, 1 - 1e-12), bins=20, range=(0, 1))[0] / 50,
                               atol=1e-6)
    centred = active_shares(d.sets["center"].x, w, b)
    # centred data: every unit is on for 35-65% of the images; raw data leave units near always on or off
    assert centred.counts[:7].sum() == 0 and centred.counts[13:].sum() == 0
    assert active_shares(raw, w, b).counts[[0, 1, 18, 19]].sum() > 0.1
