"""Surfaces: exact gradients against torch autograd, minima, grids (parametrized over SURFACES)."""

import numpy as np
import pytest
import torch

from core.surfaces import SURFACES, get_surface, quadratic

CASES = [*SURFACES.values(), quadratic(50.0, 30.0), get_surface("custom", expr="x**2*cos(y) + exp(-x) - abs(y)")]
IDS = [s.name if s.name != "quadratic" else s.title for s in CASES]


@pytest.mark.parametrize("s", CASES, ids=IDS)
def test_gradient_matches_autograd(s):
    rng = np.random.default_rng(0)
    xmin, xmax, ymin, ymax = s.box
    for p in rng.uniform([xmin, ymin], [xmax, ymax], size=(20, 2)):
        t = torch.tensor(p, dtype=torch.float64, requires_grad=True)
        s.torch_value(t).backward()
        np.testing.assert_allclose(s.grad(p), t.grad.numpy(), rtol=1e-10, atol=1e-10)
        assert s.value(p) == pytest.approx(s.torch_value(torch.tensor(p)).item(), rel=1e-12)


@pytest.mark.parametrize("s", CASES, ids=IDS)
def test_minima_are_stationary_and_starts_inside(s):
    for m in s.minima:
        assert np.linalg.norm(s.grad(m)) < 1e-4
    for x, y in s.starts:
        assert s.box[0] <= x <= s.box[1] and s.box[2] <= y <= s.box[3]


@pytest.mark.parametrize("s", CASES, ids=IDS)
def test_grid_is_row_major_in_y(s):
    xs, ys, z = s.grid(31)
    assert xs.shape == ys.shape == (31,) and z.shape == (31, 31)
    assert z[3, 7] == pytest.approx(s.value(np.array([xs[7], ys[3]])))


def test_vectorized_shapes():
    s = SURFACES["beale"]
    p = np.zeros((4, 5, 2))
    assert s.value(p).shape == (4, 5) and s.grad(p).shape == (4, 5, 2)


def test_quadratic_has_the_requested_condition_number():
    s = quadratic(kappa=25.0, angle=40.0)
    h = np.array([(s.grad(e * 1e-3) - s.grad(-e * 1e-3)) / 2e-3 for e in np.eye(2)])
    assert np.linalg.cond(h) == pytest.approx(25.0, rel=1e-6)


@pytest.mark.parametrize("kappa", [0.5, float("nan"), 1e7])
def test_quadratic_refuses_bad_kappa(kappa):
    with pytest.raises(ValueError, match="kappa"):
        quadratic(kappa)


def test_registry_holds_the_course_surfaces():
    assert list(SURFACES) == ["beale", "long_valley", "v_valley", "saddle", "rosenbrock", "himmelblau", "rastrigin",
                              "quadratic"]
    assert len(SURFACES["himmelblau"].minima) == 4 and len(SURFACES["saddle"].minima) == 0
    np.testing.assert_allclose(SURFACES["beale"].value(SURFACES["beale"].minima), 0.0, atol=1e-12)
    assert SURFACES["beale"].starts[0] == (1.0, 1.5)


@pytest.mark.parametrize("s", CASES, ids=IDS)
def test_bound_lies_well_outside_the_view(s):
    assert s.bound >= 5 * max(abs(v) for v in s.box)
    assert s.title and s.latex and s.name


def test_quadratic_rotation_turns_the_steep_axis():
    s = quadratic(kappa=100.0, angle=30.0)
    steep = np.array([-np.sin(np.radians(30.0)), np.cos(np.radians(30.0))])  # the rotated y axis
    assert s.value(steep) == pytest.approx(50.0) and s.value(np.array([steep[1], -steep[0]])) == pytest.approx(0.5)
    assert get_surface("quadratic", kappa=100.0, angle=30.0).value(steep) == pytest.approx(50.0)


def test_unknown_and_custom_names():
    from core.surfaces.expression import ExpressionError

    with pytest.raises(ValueError, match="Unknown surface"):
        get_surface("moon")
    with pytest.raises(ExpressionError, match="not a valid expression"):
        get_surface("custom", expr="import os")
    with pytest.raises(ExpressionError, match="not an allowed function"):
        get_surface("custom", expr="__import__('os')")
    assert get_surface("custom", expr="x**2 + 10*sin(y)").name == "custom"


def test_v_valley_is_kinked_along_its_floor_with_torchs_subgradient():
    """On the floor y = 0 the gradient across is torch.abs's 0; just off it, +-5 however close (no smoothing)."""
    s = SURFACES["v_valley"]
    x = np.linspace(-5.0, 5.0, 11)
    for y, gy in ((0.0, 0.0), (1e-300, 5.0), (-1e-300, -5.0)):
        p = np.stack([x, np.full_like(x, y)], axis=1)
        t = torch.tensor(p, dtype=torch.float64, requires_grad=True)
        s.formula(t[:, 0], t[:, 1], torch).sum().backward()
        np.testing.assert_array_equal(s.grad(p), t.grad.numpy())
        assert (s.grad(p)[:, 1] == gy).all()
    assert s.value(np.array([3.0, 0.0])) == 0.0 and s.value(np.array([3.0, -1.0])) == 5.0
