"""Effective step sizes and bias-corrected moments against torch.optim's own state, re-derived after each step."""

import math

import numpy as np
import pytest
import torch

from core.optim_state import bias_corrected, max_exp_avg_sq, step_size, used_grads
from core.optimizers import OPTIMIZERS, run
from core.surfaces import get_surface
from tests.core.test_optimizers import EXTRA, THIRD

STEPS = 40
SURF = get_surface("quadratic", kappa=30.0, angle=25.0)
START = (-2.5, 2.0)
LR = {"adadelta": 0.5, "rprop": 1e-2, "adagrad": 0.3}
SETTINGS = {"defaults": {}, "extra": EXTRA, "third": THIRD}


def _torch_states(name: str, hyper: dict) -> list[dict]:
    """torch's optimizer.state for the parameter after each step (index t - 1), cloned."""
    p = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    opt = OPTIMIZERS[name].make_torch([p], **hyper)
    out = []
    for _ in range(STEPS):
        opt.zero_grad()
        SURF.torch_value(p).backward()
        opt.step()
        out.append({k: v.clone() if torch.is_tensor(v) else v for k, v in opt.state[p].items()})
    return out


def _torch_step_size(name: str, h: dict, st: dict, prev: dict | None) -> np.ndarray:
    """The per-coordinate factor of torch's step, written from torch's state with torch's formulas."""
    t = float(st["step"]) if "step" in st else None
    lr, eps = h["lr"], h.get("eps", 0.0)
    if name in ("sgd", "momentum", "nesterov"):
        return np.full(2, lr)
    if name == "adagrad":
        return (lr / (1 + (t - 1) * h["lr_decay"]) / (st["sum"].sqrt() + eps)).numpy()
    if name == "adadelta":
        acc = prev["acc_delta"] if prev else torch.zeros(2, dtype=torch.float64)
        return (lr * (acc + eps).sqrt() / (st["square_avg"] + eps).sqrt()).numpy()
    if name == "rmsprop":
        avg = st["square_avg"]
        if h["centered"]:
            avg = avg.addcmul(st["grad_avg"], st["grad_avg"], value=-1)
        return (lr / (avg.sqrt() + eps)).numpy()
    if name in ("adam", "adamw", "amsgrad", "nadam"):
        v = st["max_exp_avg_sq"] if "max_exp_avg_sq" in st else st["exp_avg_sq"]
        return (lr / ((v / (1 - h["beta2"] ** t)).sqrt() + eps)).numpy()
    if name == "adamax":
        return (lr / st["exp_inf"]).numpy()
    if name == "radam":
        b2 = h["beta2"]
        rho_inf = 2 / (1 - b2) - 1
        rho_t = rho_inf - 2 * t * b2**t / (1 - b2**t)
        if rho_t <= 5:
            return np.full(2, lr)
        r = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
        return (lr * r * math.sqrt(1 - b2**t) / (st["exp_avg_sq"].sqrt() + eps)).numpy()
    if name == "rprop":
        return st["step_size"].numpy()
    pytest.fail(f"No torch formula for {name}'s effective step size: write it here, from torch's own state.")


CASES = [(o, k) for o in OPTIMIZERS for k in SETTINGS]


@pytest.mark.parametrize("opt, setting", CASES, ids=[f"{o}-{k}" for o, k in CASES])
def test_step_size_matches_torch_state(opt, setting):
    hyper = {"lr": LR.get(opt, 1e-2), **SETTINGS[setting].get(opt, {})}
    traj = run(opt, SURF, START, STEPS, **hyper)
    assert traj.diverged_at is None
    states = _torch_states(opt, hyper)
    ours = step_size(traj)
    assert np.isnan(ours[0]).all()
    for t in range(1, STEPS + 1):
        want = _torch_step_size(opt, traj.hyper, states[t - 1], states[t - 2] if t > 1 else None)
        np.testing.assert_allclose(ours[t], want, rtol=1e-9, err_msg=f"step {t}")


@pytest.mark.parametrize("opt", ["adam", "adamw", "amsgrad", "radam", "adamax", "nadam"])
def test_bias_corrected_moments_match_torch_state(opt):
    traj = run(opt, SURF, START, STEPS, lr=1e-2)
    states = _torch_states(opt, {"lr": 1e-2})
    mom = bias_corrected(traj)
    b1, b2 = traj.hyper["beta1"], traj.hyper["beta2"]
    assert set(mom) == {"adamax": {"m_hat"}, "nadam": {"v_hat"}}.get(opt, {"m_hat", "v_hat"})
    for t in (1, 2, 5, STEPS):
        st = states[t - 1]
        if "m_hat" in mom:
            np.testing.assert_allclose(mom["m_hat"][t], (st["exp_avg"] / (1 - b1**t)).numpy(), rtol=1e-9)
        if "v_hat" in mom:
            v = st.get("max_exp_avg_sq", st["exp_avg_sq"])
            np.testing.assert_allclose(mom["v_hat"][t], (v / (1 - b2**t)).numpy(), rtol=1e-9)


def test_first_adam_step_is_lr_times_sign_after_correction():
    """Bias correction's point: at t = 1, m_hat = g and v_hat = g^2, so the step is lr * g / (|g| + eps)."""
    traj = run("adam", SURF, START, 3, lr=0.1)
    mom, g = bias_corrected(traj), used_grads(traj)
    np.testing.assert_allclose(mom["m_hat"][1], g[1], rtol=1e-12)
    np.testing.assert_allclose(mom["v_hat"][1], g[1] ** 2, rtol=1e-12)
    np.testing.assert_allclose(traj.points[1] - traj.points[0], -0.1 * np.sign(g[1]), rtol=1e-6)
    raw = traj.state["exp_avg"][1]
    assert np.all(np.abs(raw) < 0.11 * np.abs(g[1]))  # uncorrected: ten times too small


def test_adagrad_step_size_only_shrinks():
    s = step_size(run("adagrad", "beale", (1.0, 1.5), 300, lr=1.0))[1:]
    assert np.all(np.diff(s, axis=0) <= 0)


@pytest.mark.parametrize("opt, direction", [
    ("sgd", lambda tr, g: g), ("momentum", lambda tr, g: tr.state["velocity"]),
    ("adagrad", lambda tr, g: g), ("rmsprop", lambda tr, g: g), ("adam", lambda tr, g: bias_corrected(tr)["m_hat"]),
    ("amsgrad", lambda tr, g: bias_corrected(tr)["m_hat"]), ("adamax", lambda tr, g: bias_corrected(tr)["m_hat"]),
    ("radam", lambda tr, g: bias_corrected(tr)["m_hat"])])
def test_update_is_step_size_times_direction(opt, direction):
    traj = run(opt, "beale", (1.0, 1.5), 200, lr=1e-2)
    d = direction(traj, used_grads(traj))
    np.testing.assert_allclose(np.diff(traj.points, axis=0), -step_size(traj)[1:] * d[1:], rtol=1e-8, atol=1e-15)


def test_amsgrad_running_max_never_decreases_and_divergence_stays_blank():
    traj = run("amsgrad", "beale", (1.0, 1.5), 300, lr=1e-2)
    m = max_exp_avg_sq(traj)
    assert np.all(np.diff(m, axis=0) >= 0)
    bad = run("sgd", "beale", (1.0, 1.5), 100, lr=10.0)
    assert bad.diverged_at is not None and np.isnan(step_size(bad)[bad.diverged_at:]).all()
