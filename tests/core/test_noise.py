"""Gradient noise: reproducible by seed, per-row streams, zero noise is the exact path, unbiased on average."""

import numpy as np
import pytest

from core.noise import CHUNK, NOISES, GradientNoise
from core.optimizers import run, run_batch
from core.surfaces import get_surface

BEALE = get_surface("beale")
COURSE = [("sgd", {"lr": 1e-3}), ("momentum", {"lr": 1e-3}), ("adam", {"lr": 0.01})]


@pytest.mark.parametrize("kind", list(NOISES))
def test_same_seed_same_path_other_seed_other_path(kind):
    a = run("momentum", BEALE, (1.0, 1.5), 300, lr=1e-3, noise=(kind, 0.5), seed=3)
    b = run("momentum", BEALE, (1.0, 1.5), 300, lr=1e-3, noise=(kind, 0.5), seed=3)
    c = run("momentum", BEALE, (1.0, 1.5), 300, lr=1e-3, noise=(kind, 0.5), seed=4)
    np.testing.assert_array_equal(a.points, b.points)
    assert np.abs(a.points[-1] - c.points[-1]).max() > 1e-6


@pytest.mark.parametrize("kind", list(NOISES))
def test_zero_noise_is_the_exact_path(kind):
    exact = run_batch(COURSE, BEALE, (1.0, 1.5), 200)
    quiet = run_batch(COURSE, BEALE, (1.0, 1.5), 200, noise=(kind, 0.0), seed=5, paths=3)
    for i, tr in enumerate(exact):
        for k in range(3):
            np.testing.assert_array_equal(quiet[3 * i + k].points, tr.points)
    g, out = GradientNoise(BEALE.grad_into, kind, 0.0, [(0, 0), (0, 1)]), np.empty((2, 2))
    p = np.array([[1.0, 1.5], [2.0, 0.3]])
    np.testing.assert_array_equal(g(p, out), BEALE.grad(p))


def test_a_run_s_noise_does_not_depend_on_its_batch():
    """Path k of a config is the run with the same seed alone: each row draws from its own generator."""
    bundle = run_batch(COURSE, BEALE, (1.0, 1.5), 300, noise=("additive", 1.0), seed=7, paths=4)
    alone = run("adam", BEALE, (1.0, 1.5), 300, lr=0.01, noise=("additive", 1.0), seed=7)
    np.testing.assert_array_equal(bundle[8].points, alone.points)  # adam, path 0
    assert len({tuple(t.points[-1]) for t in bundle[8:]}) == 4  # four different noise streams


def test_the_noise_is_the_documented_stream_across_chunks():
    """Call k adds sigma * (k-th pair of default_rng([seed, path]).standard_normal), also past a refill."""
    sigma, n = 0.3, CHUNK + 10
    g = GradientNoise(BEALE.grad_into, "additive", sigma, [(2, 0), (2, 5)])
    p = np.array([[1.0, 1.5], [-2.0, 0.5]])
    got = np.array([g(p, np.empty((2, 2))) - BEALE.grad(p) for _ in range(n)])
    for r, seed in enumerate([(2, 0), (2, 5)]):
        xi = np.random.default_rng(list(seed)).standard_normal((n, 2))
        np.testing.assert_allclose(got[:, r], sigma * xi, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kind", list(NOISES))
def test_noisy_gradient_is_unbiased(kind):
    """With a fixed seed, the mean of 20,000 noisy gradients at one point is the exact one within 4 standard errors."""
    n, sigma = 20_000, 0.8
    p = np.tile([[1.0, 1.5]], (n, 1))  # n rows at one point: n independent streams
    g = GradientNoise(BEALE.grad_into, kind, sigma, [(0, k) for k in range(n)])(p, np.empty_like(p))
    exact = BEALE.grad(p[:1])[0]
    spread = sigma * (1.0 if kind == "additive" else np.abs(exact))
    assert np.all(np.abs(g.mean(axis=0) - exact) < 4 * spread / np.sqrt(n))
    np.testing.assert_allclose(g.std(axis=0), spread, rtol=0.03)


def _roughness(points: np.ndarray) -> float:
    """Mean |second difference| / mean |first difference| of a path (T+1, 2): ~sqrt(2) for independent steps."""
    d = np.diff(points, axis=0)
    return float(np.linalg.norm(np.diff(d, axis=0), axis=1).mean() / np.linalg.norm(d, axis=1).mean())


def test_momentum_averages_the_noise_into_a_smooth_path():
    """Teaching claim 1: the velocity averages ~1/(1-mu) noisy gradients, so momentum's steps are correlated."""
    q = get_surface("quadratic", kappa=1.0)
    cfg = [("sgd", {"lr": 0.05}), ("momentum", {"lr": 0.005, "momentum": 0.9})]  # same effective lr / (1 - mu)
    trajs = run_batch(cfg, q, (2.0, 2.0), 600, noise=("additive", 1.0), seed=0, paths=8)
    rough = [np.mean([_roughness(t.points[300:]) for t in trajs[8 * i:8 * i + 8]]) for i in (0, 1)]
    assert rough[0] > 1.2 and rough[1] < 0.5 * rough[0]


def test_a_decaying_schedule_shrinks_the_noise_ball():
    """Teaching claim 2: with constant lr SGD keeps jittering at the minimum; a cosine decay settles it."""
    q = get_surface("quadratic", kappa=1.0)
    kw = dict(noise=("additive", 1.0), seed=0, paths=8)
    const = run_batch([("sgd", {"lr": 0.05})], q, (2.0, 2.0), 500, **kw)
    cosine = run_batch([("sgd", {"lr": 0.05})], q, (2.0, 2.0), 500, schedule=("cosine", {"T_max": 500}), **kw)
    dist = [np.mean([np.linalg.norm(t.points[-1]) for t in trajs]) for trajs in (const, cosine)]
    assert dist[1] < 0.5 * dist[0]


@pytest.mark.parametrize("kwargs, word", [
    ({"noise": ("pink", 0.5)}, "Unknown gradient noise"), ({"noise": ("additive", -1.0)}, "sigma"),
    ({"noise": ("additive", float("inf"))}, "sigma"), ({"noise": ("additive", 0.5), "seed": -1}, "seed"),
])
def test_bad_noise_is_refused_with_a_sentence(kwargs, word):
    with pytest.raises(ValueError, match=word):
        run("sgd", BEALE, steps=5, lr=1e-3, **kwargs)


def test_paths_are_bounded():
    with pytest.raises(ValueError, match="paths"):
        run_batch(COURSE, BEALE, (1.0, 1.5), 5, paths=0)


def test_zero_steps_with_noise_and_schedule_is_the_start():
    t = run("adam", BEALE, (1.0, 1.5), 0, noise=("additive", 1.0), schedule=("cosine", {"T_max": 5}), seed=3)
    assert t.points.shape == (1, 2) and t.diverged_at is None
    np.testing.assert_array_equal(t.points[0], [1.0, 1.5])
