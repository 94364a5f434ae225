"""The custom-expression parser: exact gradients, clear refusals, LaTeX, and fuzz tests that nothing runs."""

import ast
import builtins

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from core.surfaces import get_surface
from core.surfaces.expression import MAX_DEPTH, ExpressionError, custom_surface, parse
from core.surfaces.latex import latex, number

GOOD = ["x**2 + 10*sin(y)", "sqrt(x**2 + y**2 + 1)", "tanh(x*y) - log(1 + exp(-x))", "abs(x) + atan(y)/pi",
        "(x - 1)**2 / (1 + y**2)", "x**y + e", "-x + +y", "cosh(x/3) + sinh(y/3)*tan(y/4)", "2**x - 3*y",
        "arctan(x*y) + asin(y/3) - acos(x/4)", "x/y**3 - 0*log(x)", "(x*y)**0.5 + 1e-3*x**3",
        "max(x, y**2) + min(x*y, 1)", "where(x > y, x**2, sin(y))", "relu(x - 1) + abs(y)", "maximum(x, minimum(y, 2))",
        "where(x*y <= 1, x, y) + where(x >= 2, 1, y**2) - where(y < x/2, x, 2*y)"]
REFUSED = {
    "__import__('os').system('id')": "Attribute access",
    "__import__('os')": "'__import__\\(\\)' is not an allowed function",
    "().__class__.__bases__": "Attribute access",
    "x.__class__": "Attribute access",
    "np.sin(x)": "Attribute access",
    "open('/etc/passwd')": "Only these functions",
    "eval('1')": "'eval\\(\\)' is not an allowed function",
    "sin(x, y)": "exactly one argument",
    "sin(x=1)": "exactly one argument",
    "sin(*x)": "exactly one argument",
    "x ^ 2": "'\\^' is not a power",
    "x // 2": "'//' is not allowed",
    "x % 2": "'%' is not allowed",
    "x < y": "Comparisons \\(<, <=, >, >=\\) are only allowed as the condition of where\\(\\)",
    "max(x, y < 1)": "Comparisons",
    "where(x > y, x < 1, y)": "Comparisons",
    "where(x, x, y)": "where\\(\\) needs one comparison as its condition",
    "where(x > 0 and y > 0, x, y)": "where\\(\\) needs one comparison",
    "where(not x > 0, x, y)": "where\\(\\) needs one comparison",
    "where(0 < x < 1, x, y)": "Chained comparisons",
    "where(x == y, x, y)": "'==' and '!='",
    "where(x != y, x, y)": "'==' and '!='",
    "where(x is y, x, y)": "'is' / 'in'",
    "where(x > y, x)": "where\\(\\) takes exactly three arguments",
    "where(x > y, x, y, 1)": "exactly three arguments",
    "max(x)": "max\\(\\) takes exactly two arguments, e.g. max\\(x, y\\); nest them",
    "max(x, y, 1)": "exactly two arguments",
    "min(*x)": "min\\(\\) takes exactly two arguments",
    "max(x, y=1)": "exactly two arguments",
    "relu(x, y)": "relu\\(\\) takes exactly one argument",
    "heaviside(x)": "'heaviside\\(\\)' is not an allowed function.*max\\(a, b\\), min\\(a, b\\), where",
    "sgn(x)": "'sgn\\(\\)' is not an allowed function",
    "where(x > 0, 1, 2)": "gradient is zero everywhere",
    "max(x, 1) if y else 1": "If/else is written where",
    "x and y": "'and' / 'or'",
    "not x": "'not'",
    "lambda: x": "Lambda",
    "x if y else 1": "If/else is written where\\(condition, a, b\\)",
    "x[0]": "Indexing",
    "(x, y)": "Tuples",
    "[x]": "Lists",
    "{x: y}": "Dicts",
    "[x for x in ()]": "Comprehensions",
    "(y := x)": "':='",
    "f'{x}'": "F-strings",
    "'x'": "'x' is not allowed",
    "z + 1": "'z' is not allowed",
    "__builtins__": "'__builtins__' is not allowed",
    "3 + 4": "flat",
    "pi * e": "flat",
    "exp(1000*x**2 + 1000)": "not a finite real number",
    "log(-1 - x**2)": "not a finite real number",
    "sin(": "not a valid expression",
    "x +* y": "not a valid expression",
    "": "Type an expression",
    "   ": "Type an expression",
    "x" * 201: "limit is 200",
    "True * x": "not allowed",
    "1j * x": "not allowed",
    "-" * 40 + "x": "nested too deeply",
    "+".join(["x"] * 70): "too complex",
}


@pytest.mark.parametrize("expr", GOOD)
def test_gradient_is_exact(expr):
    s = custom_surface(expr)
    rng = np.random.default_rng(1)
    for p in rng.uniform(0.2, 2.5, size=(10, 2)):
        t = torch.tensor(p, dtype=torch.float64, requires_grad=True)
        s.torch_value(t).backward()
        np.testing.assert_allclose(s.grad(p), t.grad.numpy(), rtol=1e-10, atol=1e-12)
        assert s.value(p) == pytest.approx(s.torch_value(torch.tensor(p)).item(), rel=1e-13)


@pytest.mark.parametrize("expr, message", REFUSED.items(), ids=[k[:20] for k in REFUSED])
def test_refusals_are_explained(expr, message):
    with pytest.raises(ExpressionError, match=message):
        custom_surface(expr)


def test_errors_are_value_errors_and_reach_get_surface():
    with pytest.raises(ValueError, match="flat"):
        get_surface("custom", expr="2")
    assert issubclass(ExpressionError, ValueError)


def test_depth_limit_is_exactly_max_depth():
    assert parse("-" * MAX_DEPTH + "x")
    with pytest.raises(ExpressionError, match="nested"):
        parse("-" * (MAX_DEPTH + 1) + "x")


def test_partial_domain_is_allowed_and_starts_avoid_it():
    s = custom_surface("sqrt(x) + y**2")
    assert np.isnan(s.value(np.array([-1.0, 0.0]))) and np.isfinite(s.value(np.array([1.0, 0.0])))
    assert all(x > 0 for x, _ in s.starts)
    assert np.isfinite(s.grad(np.array(s.starts))).all()


def test_overflow_is_inf_not_an_exception():
    s = custom_surface("exp(x**8)")  # 3**8 = 6561 > log(max float) = 709.8
    assert s.value(np.array([3.0, 0.0])) == np.inf and s.grad(np.array([3.0, 0.0]))[0] == np.inf
    assert np.isfinite(s.value(np.array([1.0, 0.0])))


@pytest.mark.parametrize("expr, tex", [
    ("x**2 + 10*sin(y)", r"{x}^{2} + 10 \sin\left(y\right)"),
    ("(x - 1)**2 / (1 + y**2)", r"\frac{{\left(x - 1\right)}^{2}}{1 + {y}^{2}}"),
    ("x - (y - 1)", r"x - \left(y - 1\right)"),
    ("x * -y", r"x \cdot \left(-y\right)"),
    ("-(x + y)", r"-\left(x + y\right)"),
    ("pi*x + abs(y)", r"\pi x + \left|y\right|"),
    ("2*3**x", r"2 \cdot {3}^{x}"),
    ("sqrt(x)*arctan(y)", r"\sqrt{x} \cdot \arctan\left(y\right)"),
    ("2*max(x, y)**2", r"2 {\max\left(x, y\right)}^{2}"),
    ("min(x, -y) + relu(x)", r"\min\left(x, -y\right) + \operatorname{relu}\left(x\right)"),
    ("where(x >= y, x - y, 0)", r"\begin{cases} x - y & \text{if } x \ge y \\ 0 & \text{otherwise} \end{cases}"),
    ("where(x <= 1, x, y)**2", r"{\left(\begin{cases} x & \text{if } x \le 1 \\ y & \text{otherwise} \end{cases}"
                                r"\right)}^{2}"),
    ("x + where(x*y < 2, 1, -y)", r"x + \begin{cases} 1 & \text{if } x \cdot y < 2 \\ -y & \text{otherwise} "
                                  r"\end{cases}"),
])
def test_latex(expr, tex):
    assert latex(parse(expr)) == tex
    assert custom_surface(expr).latex == tex


def test_number_formatting():
    assert number(3.0) == "3" and number(0.25) == "0.25" and number(1.5e-5) == r"1.5 \times 10^{-5}"


def _forbid_execution(monkeypatch):
    """eval/exec are never called; compile only ever builds an AST (ast.parse), never a code object."""
    real_compile = builtins.compile

    def only_ast(source, filename, mode, flags=0, *args, **kwargs):
        assert flags & ast.PyCF_ONLY_AST, "compile() asked for a code object"
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    def boom(*args, **kwargs):
        raise AssertionError("eval/exec called")

    monkeypatch.setattr(builtins, "eval", boom)
    monkeypatch.setattr(builtins, "exec", boom)
    monkeypatch.setattr(builtins, "compile", only_ast)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_fuzz_any_text_is_parsed_or_refused(text):
    with pytest.MonkeyPatch.context() as mp:
        _forbid_execution(mp)
        try:
            custom_surface(text)
        except ExpressionError:
            pass


_ATOMS = st.sampled_from(["x", "y", "2", "0.5", "pi", "e", "0", "1e308", "-x", "__import__", "x.real", "'s'"])
_CALLS = st.sampled_from(["sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "sinh", "cosh", "abs", "atan",
                          "arctan", "asin", "acos", "relu", "max", "min", "maximum", "minimum", "where", "sgn",
                          "heaviside", "eval", "getattr", "open"])
_OPS = st.sampled_from(["+", "-", "*", "/", "**", "//", "%", "^", "<", " and ", ","])
_CMPS = st.sampled_from(["<", "<=", ">", ">=", "==", "!=", " is ", " in "])


def _condition(c):
    """Comparisons, good and bad: single, chained, combined with and / not."""
    one = st.tuples(c, _CMPS, c).map(lambda t: f"{t[0]} {t[1]} {t[2]}")
    return st.one_of(one, st.tuples(one, _CMPS, c).map(" ".join), st.tuples(one, one).map(" and ".join),
                     one.map("not {}".format))


@settings(max_examples=300, deadline=None)
@given(st.recursive(_ATOMS, lambda c: st.one_of(
    st.tuples(c, _OPS, c).map(lambda t: f"({t[0]}){t[1]}({t[2]})"),
    st.tuples(_CALLS, c).map(lambda t: f"{t[0]}({t[1]})"),
    st.tuples(_CALLS, st.lists(st.one_of(c, _condition(c)), max_size=4)).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
    st.tuples(_condition(c), c, c).map(lambda t: f"where({t[0]}, {t[1]}, {t[2]})")), max_leaves=10))
def test_fuzz_grammar_like_text_never_raises_anything_else(expr):
    with pytest.MonkeyPatch.context() as mp:
        _forbid_execution(mp)
        try:
            s = custom_surface(expr)
        except ExpressionError:
            return
    z = s.grid(60)[2]  # anything accepted evaluates (possibly to inf/NaN in places) without raising
    assert z.shape == (60, 60) and np.isfinite(z).any()  # the grid the acceptance check uses
    s.grad(np.array(s.starts))
