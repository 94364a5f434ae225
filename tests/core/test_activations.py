"""Activation registry and Gaussian statistics against torch (float64), closed forms and Monte Carlo."""

import math

import numpy as np
import pytest
import torch

from core.activation_stats import (
    dead_relu_fraction,
    depth_products,
    expected_abs_slope,
    explore,
    gaussian_mass,
    push_gaussian,
    saturation_intervals,
)
from core.activations import ACTIVATIONS_1D, MAXOUT_PIECES, get, normal_cdf
from core.networks import ACTIVATIONS as NET_ACTIVATIONS

NAMES = list(ACTIVATIONS_1D)
# A grid with the kinks themselves (0 for the ReLU family) and values deep in both tails.
GRID = np.concatenate([np.linspace(-30, 30, 6001), [0.0, -1e-300, 1e-300, -700.0, 700.0]])


def _torch_value_and_grad(name: str, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y = ACTIVATIONS_1D[name].torch_f(t)
    (g,) = torch.autograd.grad(y.sum(), t)
    return y.detach().numpy(), g.numpy()


@pytest.mark.parametrize("name", NAMES)
def test_value_and_exact_derivative_match_torch_autograd_in_float64(name):
    act = ACTIVATIONS_1D[name]
    y, g = _torch_value_and_grad(name, GRID)
    with np.errstate(over="raise", invalid="raise"):  # no overflow or NaN anywhere on the grid
        ours, dours = act.f(GRID), act.df(GRID)
    np.testing.assert_allclose(ours, y, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(dours, g, rtol=1e-10, atol=1e-14)
    assert ours.shape == GRID.shape and dours.shape == GRID.shape


@pytest.mark.parametrize("name", [n for n in NAMES if n in NET_ACTIVATIONS])
def test_shared_names_agree_with_the_network_modules(name):
    x = torch.linspace(-6, 6, 241, dtype=torch.float64)
    np.testing.assert_allclose(ACTIVATIONS_1D[name].f(x.numpy()), NET_ACTIVATIONS[name]()(x).numpy(), atol=1e-14)


@pytest.mark.parametrize(("name", "peak"), [
    ("sigmoid", 0.25), ("tanh", 1.0), ("relu", 1.0), ("leaky_relu", 1.0), ("elu", 1.0),
    ("gelu", float(normal_cdf(math.sqrt(2))) + math.sqrt(2) * math.exp(-1) / math.sqrt(2 * math.pi)),
    ("maxout", max(abs(w) for w, _ in MAXOUT_PIECES)),
])
def test_peak_slope_is_the_closed_form(name, peak):
    assert ACTIVATIONS_1D[name].peak == pytest.approx(peak, rel=1e-8)


def test_silu_peak_is_where_its_second_derivative_vanishes():
    x = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    for _ in range(30):  # Newton on silu'' = 0
        (d1,) = torch.autograd.grad(torch.nn.functional.silu(x), x, create_graph=True)
        (d2,) = torch.autograd.grad(d1, x, create_graph=True)
        (d3,) = torch.autograd.grad(d2, x)
        x = (x - d2 / d3).detach().requires_grad_(True)
    assert ACTIVATIONS_1D["silu"].peak == pytest.approx(float(d1.detach()), rel=1e-8)


def _flat(intervals):
    return [e for ab in intervals for e in ab]


@pytest.mark.parametrize("t", [0.05, 0.1, 0.3])
def test_saturation_boundaries_match_closed_forms(t):
    s = (1 + math.sqrt(1 - t)) / 2  # sigma' = s(1-s) = t/4
    x_sig = math.log(s / (1 - s))
    assert _flat(saturation_intervals("sigmoid", t)) == pytest.approx([-math.inf, -x_sig, x_sig, math.inf], abs=1e-9)
    x_tanh = math.atanh(math.sqrt(1 - t))
    assert _flat(saturation_intervals("tanh", t)) == pytest.approx([-math.inf, -x_tanh, x_tanh, math.inf], abs=1e-9)
    assert saturation_intervals("relu", t) == [(-math.inf, 0.0)]
    assert _flat(saturation_intervals("elu", t)) == pytest.approx([-math.inf, math.log(t)], abs=1e-9)
    assert saturation_intervals("maxout", t) == []  # both slopes are at least half the peak
    assert saturation_intervals("leaky_relu", 0.005) == []  # 0.01 is above the threshold


def test_saturation_intervals_agree_with_a_dense_grid_everywhere():
    x = np.linspace(-35, 35, 700_001)
    for name in NAMES:
        act = get(name)
        mask = np.abs(act.df(x)) < 0.1 * act.peak
        inside = np.zeros_like(mask)
        for a, b in saturation_intervals(name, 0.1):
            inside |= (x > a) & (x < b)
        disagree = np.flatnonzero(mask != inside)
        assert len(disagree) <= 2 * len(saturation_intervals(name, 0.1)), (name, x[disagree][:5])


@pytest.mark.parametrize(("mu", "sigma"), [(0.0, 1.0), (0.7, 0.3), (-2.0, 3.0), (4.0, 0.5)])
def test_dead_relu_fraction_is_phi_of_minus_mu_over_sigma_and_matches_monte_carlo(mu, sigma):
    closed = 0.5 * math.erfc(mu / sigma / math.sqrt(2))
    assert dead_relu_fraction(mu, sigma) == pytest.approx(closed, abs=1e-14)
    assert gaussian_mass(saturation_intervals("relu", 0.1), mu, sigma) == pytest.approx(closed, abs=1e-12)
    z = np.random.default_rng(1).normal(mu, sigma, 400_000)
    assert np.mean(z <= 0) == pytest.approx(closed, abs=4 * math.sqrt(closed * (1 - closed) / len(z)) + 1e-6)
    pushed = push_gaussian("relu", mu, sigma, n=200_000, seed=3)
    assert pushed.zero_output == pytest.approx(closed, abs=0.005)
    assert pushed.saturated == pytest.approx(closed, abs=0.005)


@pytest.mark.parametrize("name", NAMES)
def test_saturated_mass_matches_monte_carlo(name):
    act = get(name)
    z = np.random.default_rng(5).normal(-0.5, 2.0, 400_000)
    mc = np.mean(np.abs(act.df(z)) < 0.2 * act.peak)
    assert gaussian_mass(saturation_intervals(name, 0.2), -0.5, 2.0) == pytest.approx(mc, abs=0.004)


def test_relu_output_mean_is_the_closed_form():
    mu, sigma = 0.3, 1.5
    a = mu / sigma
    closed = mu * normal_cdf(a) + sigma * math.exp(-a * a / 2) / math.sqrt(2 * math.pi)
    assert push_gaussian("relu", mu, sigma, n=400_000, seed=2).out.mean == pytest.approx(float(closed), abs=0.01)


@pytest.mark.parametrize("name", NAMES)
def test_expected_abs_slope_matches_monte_carlo_and_relu_closed_form(name):
    z = np.random.default_rng(9).normal(0.4, 1.3, 1_000_000)
    assert expected_abs_slope(name, 0.4, 1.3) == pytest.approx(np.mean(np.abs(get(name).df(z))), abs=3e-3)
    assert expected_abs_slope("relu", 0.4, 1.3) == pytest.approx(float(normal_cdf(0.4 / 1.3)), abs=1e-4)


def test_depth_products_relu_paths_die_at_the_closed_form_rate():
    d = depth_products("relu", 0.0, 1.0, 10, paths=20_000, seed=4)
    np.testing.assert_allclose(d.zero, 1 - 0.5 ** np.arange(1, 11), atol=0.01)
    np.testing.assert_allclose(d.expected, 0.5 ** np.arange(1, 11), rtol=1e-3)
    assert set(np.unique(d.q50)) <= {0.0, 1.0}  # ReLU products are exactly 0 or 1


def test_depth_products_sigmoid_vanishes_under_its_bound_and_is_seeded():
    d = depth_products("sigmoid", 0.0, 1.0, 20, seed=7)
    assert np.all(d.q90 <= d.bound + 1e-15) and d.bound[-1] == 0.25**20
    assert np.all(np.diff(d.q50) < 0) and d.q50[-1] < 1e-12
    again = depth_products("sigmoid", 0.0, 1.0, 20, seed=7)
    np.testing.assert_array_equal(d.q50, again.q50)
    assert not np.array_equal(d.q50, depth_products("sigmoid", 0.0, 1.0, 20, seed=8).q50)


@pytest.mark.parametrize("bad", [dict(mu=float("nan")), dict(sigma=0.0), dict(sigma=-1.0), dict(mu=1e9)])
def test_bad_distributions_are_refused_with_a_sentence(bad):
    args = dict(mu=0.0, sigma=1.0) | bad
    with pytest.raises(ValueError, match="pre-activation"):
        push_gaussian("tanh", **args)
    with pytest.raises(ValueError, match="pre-activation"):
        dead_relu_fraction(**args)


def test_unknown_names_and_thresholds_are_refused():
    with pytest.raises(ValueError, match="Unknown activation"):
        get("swish2")
    with pytest.raises(ValueError, match="threshold"):
        saturation_intervals("relu", 1.0)
    with pytest.raises(ValueError, match="Depth"):
        depth_products("relu", 0.0, 1.0, 0)


def test_explore_window_peak_and_masses():
    e = explore("sigmoid", 4.0, 3.0, 0.1)
    assert e.x[0] == -6.0 and e.x[-1] == 13.0  # [-6, 6] widened to mu + 3 sigma
    assert e.peak_x == pytest.approx(0.0, abs=0.02) and e.peak == 0.25
    assert e.saturated == gaussian_mass(saturation_intervals("sigmoid", 0.1), 4.0, 3.0)
    assert e.dead_relu == dead_relu_fraction(4.0, 3.0)
    np.testing.assert_allclose(np.trapezoid(e.density, e.x), normal_cdf(3.0) - normal_cdf(-10 / 3), atol=1e-5)
