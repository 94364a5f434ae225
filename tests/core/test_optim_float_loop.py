"""The float loop (core.optim.float_loop, small batches) equals the NumPy loop bit for bit, divergence included."""

import numpy as np
import pytest

from core.optim import float_loop
from core.optimizers import OPTIMIZERS, run_batch
from core.schedules import SCHEDULES
from core.surfaces import get_surface
from tests.core.test_optimizers import DIVERGING, SETTINGS, _hyper, _surface

SURFS = ["beale", "rosenbrock", "himmelblau", "rastrigin", "quadratic_rotated", "custom"]


def _both(monkeypatch, *args, **kwargs):
    """run_batch(*args) through the float loop, then through the NumPy loop."""
    monkeypatch.setattr(float_loop, "MAX_ROWS", 10**6)
    floats = run_batch(*args, **kwargs)
    monkeypatch.setattr(float_loop, "MAX_ROWS", 0)
    return floats, run_batch(*args, **kwargs)


def _same(a, b, rtol=0.0):
    assert a.diverged_at == b.diverged_at
    for name, x, y in [("points", a.points, b.points), ("grads", a.grads, b.grads), ("losses", a.losses, b.losses),
                       *[(k, a.state[k], b.state[k]) for k in a.state]]:
        np.testing.assert_allclose(x, y, rtol=rtol, atol=0.0, err_msg=name)
    assert a.state.keys() == b.state.keys()


@pytest.mark.parametrize("surf", SURFS)
@pytest.mark.parametrize("opt", list(OPTIMIZERS))
def test_every_rule_and_setting_bit_for_bit(monkeypatch, opt, surf):
    s = _surface(surf)
    for k in SETTINGS:  # one setting per batch: the NumPy loop then holds every setting as a scalar
        (a,), (b,) = _both(monkeypatch, [(opt, _hyper(opt, surf, k))], s, s.starts[0], 300)
        _same(a, b)


def test_mixed_rows_of_one_rule_equal_the_columns(monkeypatch):
    """The NumPy loop holds differing settings as (B, 1) columns; the float loop steps each row on its own.

    Not bit for bit: with a column, beta ** t is NumPy's pow, which differs from C's pow (Python, torch) in the
    last bit for ~4% of inputs; a uniform setting stays a Python float in both loops.
    """
    configs = [(o, {"lr": 0.01, **SETTINGS[k].get(o, {})}) for o in OPTIMIZERS for k in SETTINGS]
    for a, b in zip(*_both(monkeypatch, configs, "himmelblau", (0.0, 0.0), 200), strict=True):
        _same(a, b, rtol=1e-9)  # effective_lr = |dp| / |g| amplifies a last-bit step difference


@pytest.mark.parametrize("opt, surf, lr", DIVERGING, ids=[f"{o}-{s}-{lr:g}" for o, s, lr in DIVERGING])
def test_divergence_at_the_same_step(monkeypatch, opt, surf, lr):
    s = get_surface(surf)
    (a,), (b,) = _both(monkeypatch, [(opt, {"lr": lr})], s, s.starts[0], 100)
    assert a.diverged_at is not None
    _same(a, b)


@pytest.mark.parametrize("opt", list(OPTIMIZERS))
def test_division_by_zero_is_a_divergence_as_in_numpy(monkeypatch, opt):
    """eps = 0 at the exact minimum: 0/0 is NaN in NumPy and ZeroDivisionError in Python; same verdict."""
    hyper = {"eps": 0.0} if "eps" in OPTIMIZERS[opt].defaults else {}
    (a,), (b,) = _both(monkeypatch, [(opt, {"lr": 0.01, **hyper})], "beale", (3.0, 0.5), 20)
    _same(a, b)


def test_centered_rmsprop_whose_variance_rounds_to_zero(monkeypatch):
    """A constant gradient makes centered RMSprop's E[g^2] - E[g]^2 exactly 0: g / 0 is inf in NumPy, an
    exception in Python; both must call it a divergence at the same step."""
    s = get_surface("custom", expr="x + 2*y")
    configs = [("rmsprop", {"lr": lr, "centered": True, "eps": 0.0, "alpha": a}) for lr in (1e-6, 1e-3)
               for a in (0.5, 0.9)]
    floats, arrays = _both(monkeypatch, configs, s, (0.0, 0.0), 300)
    assert all(t.diverged_at is not None for t in floats)
    for a, b in zip(floats, arrays, strict=True):
        _same(a, b)


@pytest.mark.parametrize("schedule", list(SCHEDULES))
def test_schedules(monkeypatch, schedule):
    configs = [(o, {"lr": 0.5 if o == "adadelta" else 0.01}) for o in ("momentum", "adam", "adadelta", "rprop")]
    for a, b in zip(*_both(monkeypatch, configs, "beale", (1.0, 1.5), 150, schedule=(schedule, {})), strict=True):
        _same(a, b)


def test_noise_bundle(monkeypatch):
    configs = [("nesterov", {"lr": 1e-3}), ("rmsprop", {"lr": 1e-3})]
    for a, b in zip(*_both(monkeypatch, configs, "beale", [(1.0, 1.5), (-2.0, 2.5)], 300,
                           noise=("additive", 0.5), seed=3, paths=3), strict=True):
        _same(a, b)


def test_batches_take_the_float_loop_up_to_max_rows(monkeypatch):
    calls = []
    real = float_loop.loop
    monkeypatch.setattr(float_loop, "loop", lambda *a: calls.append(len(a[0].order)) or real(*a))
    run_batch([("adam", {})] * float_loop.MAX_ROWS, "beale", (1.0, 1.5), 5)
    run_batch([("adam", {})] * (float_loop.MAX_ROWS + 1), "beale", (1.0, 1.5), 5)
    assert calls == [float_loop.MAX_ROWS]
