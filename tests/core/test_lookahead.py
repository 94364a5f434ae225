"""The look-ahead picture against the classic Nesterov recurrence and against torch's momentum iterates."""

import numpy as np
import pytest

from core.lookahead import lookahead
from core.optimizers import run
from core.surfaces import get_surface

SURF = get_surface("beale")
START = (1.0, 1.5)


def _classic_nesterov(lr: float, mu: float, steps: int):
    """Sutskever et al.: psi = phi + mu v; v = mu v - lr grad f(psi); phi += v. Returns phi (T+1, 2), psi (T, 2)."""
    phi, v = np.array(START), np.zeros(2)
    phis, psis = [phi.copy()], []
    for _ in range(steps):
        psi = phi + mu * v
        v = mu * v - lr * SURF.grad(psi)
        phi = phi + v
        phis.append(phi.copy())
        psis.append(psi)
    return np.array(phis), np.array(psis)


@pytest.mark.parametrize("mu", [0.5, 0.9])
def test_torch_nesterov_iterates_are_the_classic_look_ahead_points(mu):
    traj = run("nesterov", SURF, START, 60, lr=2e-3, momentum=mu)
    phis, psis = _classic_nesterov(2e-3, mu, 60)
    for k in (0, 1, 10, 59):
        la = lookahead(traj, SURF, k)
        np.testing.assert_allclose(la.look, psis[k], rtol=1e-9)
        np.testing.assert_allclose(la.anchor, phis[k], rtol=1e-9)
        np.testing.assert_allclose(la.nesterov_next, phis[k + 1], rtol=1e-9)
        np.testing.assert_allclose(la.grad_look, SURF.grad(psis[k]), rtol=1e-9)


@pytest.mark.parametrize("hyper", [{"momentum": 0.9}, {"momentum": 0.5, "dampening": 0.3, "weight_decay": 0.1}])
def test_heavy_ball_decomposition_lands_on_torchs_next_point(hyper):
    traj = run("momentum", SURF, START, 40, lr=2e-3, **hyper)
    for k in (0, 1, 20, 39):
        la = lookahead(traj, SURF, k)
        np.testing.assert_allclose(la.plain_next, traj.points[k + 1], rtol=1e-12)
        np.testing.assert_allclose(la.anchor, traj.points[k])
        assert not la.nesterov


def test_look_ahead_differs_from_the_anchor_once_moving():
    la = lookahead(run("nesterov", SURF, START, 20, lr=2e-3), SURF, 10)
    assert np.linalg.norm(la.jump) > 0 and not np.allclose(la.grad_look, la.grad_here)


def test_refusals():
    with pytest.raises(ValueError, match="momentum > 0"):
        lookahead(run("adam", SURF, START, 5), SURF, 1)
    with pytest.raises(ValueError, match="momentum > 0"):
        lookahead(run("sgd", SURF, START, 5), SURF, 1)
    with pytest.raises(ValueError, match="not in this run"):
        lookahead(run("momentum", SURF, START, 5), SURF, 5)
