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
