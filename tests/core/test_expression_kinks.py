"""Non-smooth custom surfaces (max, min, where, relu, abs): values and gradients equal torch autograd's, at random
points and exactly on every kink and tie, with torch's subgradient convention; fuzzed against torch."""

import warnings

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.surfaces.expression import MAX_CHARS, MAX_DEPTH, MAX_NODES, ExpressionError, custom_surface, parse
from core.surfaces.program import Program, evaluate_torch
from core.surfaces.symbolic import derivative

T = torch
# Each expression beside the same function written by hand with torch's own ops: the oracle shares no code with us.
CASES = {
    "max(x, y)": lambda x, y: T.maximum(x, y),
    "min(x, 2*y)": lambda x, y: T.minimum(x, 2 * y),
    "max(x**2, y) - min(x, -y)": lambda x, y: T.maximum(x**2, y) - T.minimum(x, -y),
    "max(abs(x), abs(y))": lambda x, y: T.maximum(T.abs(x), T.abs(y)),
    "where(x > y, x**2 + y, 3*y - x)": lambda x, y: T.where(x > y, x**2 + y, 3 * y - x),
    "where(x >= y, x*y, y)": lambda x, y: T.where(x >= y, x * y, y),
    "where(x < 1, sin(x*y), x)": lambda x, y: T.where(x < 1, T.sin(x * y), x),
    "where(y <= x/2, exp(y), 1 + y)": lambda x, y: T.where(y <= x / 2, T.exp(y), 1 + y),
    "relu(x - 1) + relu(-y)": lambda x, y: T.relu(x - 1) + T.relu(-y),
    "abs(x - y) + 3*abs(y)": lambda x, y: T.abs(x - y) + 3 * T.abs(y),
    "min(max(x, y), relu(x + y))": lambda x, y: T.minimum(T.maximum(x, y), T.relu(x + y)),
    "max(x, x)": lambda x, y: T.maximum(x, x),
    "max(log(x), y)": lambda x, y: T.maximum(T.log(x), y),  # NaN for x < 0: every comparison is false
    "abs(log(x)) + relu(log(y))": lambda x, y: T.abs(T.log(x)) + T.relu(T.log(y)),
    "maximum(x*y, 0)**2": lambda x, y: T.maximum(x * y, T.zeros_like(x)) ** 2,
    "where(x > y, max(x, 1), min(y, -1))": lambda x, y: T.where(x > y, T.maximum(x, T.ones_like(x)),
                                                                  T.minimum(y, -T.ones_like(y))),
}
V = (-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0)  # the grid holds every kink and tie above: x == y, x == 2y, 0, 1, |x| == |y|
POINTS = np.concatenate([np.array([(a, b) for a in V for b in V]), np.random.default_rng(0).uniform(-3, 3, (30, 2))])


def _torch(fn_or_tree, p: np.ndarray):
    """Values (N,) and gradients (N, 2) by torch autograd at points p (N, 2), all points in one graph."""
    t = torch.tensor(p, dtype=torch.float64, requires_grad=True)
    x, y = t[:, 0], t[:, 1]
    v = evaluate_torch(fn_or_tree, x, y, torch) if isinstance(fn_or_tree, tuple) else fn_or_tree(x, y)
    if v.requires_grad:
        v.sum().backward()
    return v.detach().numpy(), (torch.zeros_like(t) if t.grad is None else t.grad).numpy()


@pytest.mark.parametrize("expr", CASES)
def test_values_and_gradients_equal_torch_on_and_off_the_kinks(expr):
    s = custom_surface(expr)
    tv, tg = _torch(CASES[expr], POINTS)
    np.testing.assert_allclose(s.value(POINTS), tv, rtol=1e-15)  # NaN where torch's is NaN (log of x < 0)
    _same_where_torch_is_finite(s.grad(POINTS), tg, rtol=1e-14)


def _same_where_torch_is_finite(ours: np.ndarray, ref: np.ndarray, rtol: float, atol: float = 0.0) -> None:
    """The documented agreement: equal wherever torch's gradient is finite (ours may be finite where torch's 0 x NaN
    is not, never the other way round). atol is relative to the largest finite gradient (cancellation)."""
    finite = np.isfinite(ref)
    assert np.isfinite(ours[finite]).all()
    scale = np.abs(ref[finite]).max(initial=1.0)
    np.testing.assert_allclose(ours[finite], ref[finite], rtol=rtol, atol=atol * scale)


@pytest.mark.parametrize("expr, p, grad", [
    ("max(x, y)", (1.0, 1.0), (0.5, 0.5)),  # a tie: torch.maximum splits the gradient evenly
    ("min(x, y)", (-2.0, -2.0), (0.5, 0.5)),
    ("max(3*x, y)", (1.0, 3.0), (1.5, 0.5)),
    ("max(x, y)", (2.0, 1.0), (1.0, 0.0)),
    ("relu(x) + relu(y)", (0.0, -0.0), (0.0, 0.0)),  # relu'(0) = 0
    ("abs(x) + abs(y)", (0.0, -0.0), (0.0, 0.0)),  # abs'(0) = sgn(0) = 0
    ("where(x > y, 2*x, 3*y)", (1.0, 1.0), (0.0, 3.0)),  # on the boundary the condition decides: x > x is false
    ("where(x >= y, 2*x, 3*y)", (1.0, 1.0), (2.0, 0.0)),
    ("max(log(x), y)", (-1.0, 0.0), (-1.0, 1.0)),  # NaN: no comparison holds, both sides get the gradient (torch)
])
def test_the_documented_convention_at_the_kink(expr, p, grad):
    assert tuple(custom_surface(expr).grad(np.array(p))) == grad


def test_where_never_leaks_the_untaken_branchs_nan():
    """torch.where's gradient is NaN where the branch it did not take has a NaN gradient (0 x NaN); ours is the
    taken branch's gradient there, and equals torch's wherever torch's is finite."""
    s, p = custom_surface("where(x > 0, sqrt(x), -x) + relu(sqrt(y))"), POINTS
    tv, tg = _torch(lambda x, y: T.where(x > 0, T.sqrt(x), -x) + T.relu(T.sqrt(y)), p)
    ours = s.grad(p)
    _same_where_torch_is_finite(ours, tg, rtol=1e-14)
    assert np.isnan(tg[p[:, 0] < 0, 0]).all() and (ours[p[:, 0] < 0, 0] == -1.0).all()
    assert np.isnan(tg[p[:, 1] < 0, 1]).all() and np.isnan(ours[p[:, 1] < 0, 1]).all()  # sqrt(y) itself is NaN


def test_torch_pow_conventions_where_the_base_or_exponent_is_zero():
    """x**y at x = 0: torch's d/dy is 0 (not 0 * log 0 = NaN); x**0's d/dx is 0 even at x = 0."""
    s = custom_surface("x**y + y**(x - x)")
    _, tg = _torch(parse("x**y + y**(x - x)"), POINTS)
    _same_where_torch_is_finite(s.grad(POINTS), tg, rtol=1e-13)
    zero_base = (POINTS[:, 0] == 0) & (POINTS[:, 1] > 0)
    assert zero_base.any() and (tg[zero_base, 1] == 0).all()


def _program_size(expr: str) -> int:
    tree = parse(expr)
    return len(Program([derivative(tree, "x"), derivative(tree, "y")])._slots)


def test_nested_kinks_grow_the_gradient_linearly():
    """The gradient of max(max(...)) shares its subtrees: its program grows linearly with the nesting, not 2^k."""
    sizes = [_program_size("max(" * k + "x" + ", y)" * k) for k in (4, 8, 16)]
    assert sizes[2] - sizes[1] == 2 * (sizes[1] - sizes[0]) and sizes[2] < 40 * 16


def test_the_safety_limits_hold_for_the_new_syntax():
    """A condition's operands count as nested one level below where(); size and length limits are unchanged."""
    assert parse("where(" + "-" * (MAX_DEPTH - 2) + "x > 0, x, y)")
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse("where(" + "-" * (MAX_DEPTH - 1) + "x > 0, x, y)")
    with pytest.raises(ExpressionError, match="too complex"):
        parse("+".join(["max(x,y)"] * (MAX_NODES // 8)))  # 9 AST nodes and 9 characters each
    with pytest.raises(ExpressionError, match=f"limit is {MAX_CHARS}"):
        parse("min(x, " * 30 + "y" + ")" * 30)


_ATOMS = st.sampled_from(["x", "y", "2", "0.5", "0", "-x", "pi", "1e308"])
_F1 = st.sampled_from(["sin", "exp", "log", "sqrt", "abs", "relu", "tanh", "atan", "asin"])
_CMP = st.sampled_from(["<", "<=", ">", ">="])
_EXPR = st.recursive(_ATOMS, lambda c: st.one_of(
    st.tuples(c, st.sampled_from(["+", "-", "*", "/", "**"]), c).map(lambda t: f"({t[0]}){t[1]}({t[2]})"),
    st.tuples(_F1, c).map(lambda t: f"{t[0]}({t[1]})"),
    st.tuples(st.sampled_from(["max", "min"]), c, c).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
    st.tuples(c, _CMP, c, c, c).map(lambda t: f"where({t[0]} {t[1]} {t[2]}, {t[3]}, {t[4]})")), max_leaves=8)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_EXPR)
def test_fuzz_gradients_equal_torch_wherever_torch_is_finite(expr):
    try:
        s = custom_surface(expr)
    except ExpressionError:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's own overflow / invalid-value warnings on the oracle side
        tv, tg = _torch(parse(expr), POINTS)
    ov, og = s.value(POINTS), s.grad(POINTS)
    np.testing.assert_allclose(ov[np.isfinite(tv)], tv[np.isfinite(tv)], rtol=1e-12)  # torch's SIMD sqrt: 1 ulp
    _same_where_torch_is_finite(og, tg, rtol=1e-9, atol=1e-12)  # torch's sqrt/exp kernels differ by an ulp
