"""Expression trees in x and y: exact derivatives (torch autograd's, kinks included) and simplification.

A node is ("num", v[, latex]) | ("var", "x" | "y") | ("neg", a) | (op, a, b) with op in + - * / ** |
("call", f, a) with f a key of FUNCTIONS | ("max" | "min", a, b) | ("where", cond, a, b) with cond a comparison
(op, a, b), op in < <= > >= == ("==" only inside derivatives). Trees come from `core.surfaces.expression.parse`;
nothing here reads user text. core.surfaces.program evaluates them (NumPy, and torch as the oracle).

A derivative is built in reverse mode with torch's backward formulas, so it is autograd's gradient: at a kink
d max(a, b) is da where a > b, db where a < b and (da + db)/2 at a tie (torch.maximum splits it evenly; min
alike), relu'(0) = 0, abs'(0) = 0, and where(c, a, b) takes the gradient of the branch c picks. One deliberate
difference: where torch multiplies a NaN gradient by 0 (the branch where() did not pick, an argument at relu's or
abs' kink) and gets NaN, the contribution here is 0, so ours equals torch's wherever torch's is finite.
"""

from __future__ import annotations

import numpy as np

_ONE, _TWO, _ZERO, _HALF = ("num", 1.0), ("num", 2.0), ("num", 0.0), ("num", 0.5)


def _sgn(u):
    """torch's abs' (sgn): 1, -1, and 0 at 0 and at NaN (np.sign(NaN) would be NaN)."""
    return np.where(u > 0, 1.0, np.where(u < 0, -1.0, 0.0))


def _mul(*factors):
    out = factors[0]
    for f in factors[1:]:
        out = ("*", out, f)
    return out


def _inv_sqrt(u):
    return ("/", _ONE, ("call", "sqrt", ("-", _ONE, ("*", u, u))))


# name -> (numpy function, torch function name, backward: (upstream g, argument u, result r) -> u's adjoint), each
# the formula of torch's backward for that function (torch/csrc/autograd/FunctionsManual.cpp, derivatives.yaml)
FUNCTIONS = {
    "sin": (np.sin, "sin", lambda g, u, r: _mul(g, ("call", "cos", u))),
    "cos": (np.cos, "cos", lambda g, u, r: _mul(g, ("neg", ("call", "sin", u)))),
    "tan": (np.tan, "tan", lambda g, u, r: _mul(g, ("+", _ONE, ("**", r, _TWO)))),
    "exp": (np.exp, "exp", lambda g, u, r: _mul(g, r)),
    "log": (np.log, "log", lambda g, u, r: ("/", g, u)),
    "sqrt": (np.sqrt, "sqrt", lambda g, u, r: ("/", g, _mul(_TWO, r))),
    "tanh": (np.tanh, "tanh", lambda g, u, r: _mul(g, ("-", _ONE, _mul(r, r)))),
    "sinh": (np.sinh, "sinh", lambda g, u, r: _mul(g, ("call", "cosh", u))),
    "cosh": (np.cosh, "cosh", lambda g, u, r: _mul(g, ("call", "sinh", u))),
    "abs": (np.abs, "abs", lambda g, u, r: _mul(g, ("call", "sgn", u))),
    "relu": (lambda u: np.maximum(u, 0.0), "relu", lambda g, u, r: g),
    "atan": (np.arctan, "atan", lambda g, u, r: ("/", g, ("+", _mul(u, u), _ONE))),
    "asin": (np.arcsin, "asin", lambda g, u, r: _mul(g, _inv_sqrt(u))),
    "acos": (np.arccos, "acos", lambda g, u, r: _mul(g, ("neg", _inv_sqrt(u)))),
    "sgn": (_sgn, None, None),  # only inside derivatives (abs'), never evaluated by torch nor differentiated
}
# At its kink torch multiplies the upstream gradient by 0 (relu: threshold_backward, abs: sgn(0) = 0); here the
# whole contribution through the kink is 0 there, even if the argument's own gradient is undefined (0 x NaN).
_KINK = {"relu": lambda u: ("<=", u, _ZERO), "abs": lambda u: ("==", ("call", "sgn", u), _ZERO)}
COMPARISONS = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal, "==": np.equal}
# Node kinds with only tree children, evaluated by one NumPy function of the children's values.
OPERATIONS = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "**": np.power, "neg": np.negative,
              "max": np.maximum, "min": np.minimum, "where": np.where, **COMPARISONS}


def uses(node, var: str) -> bool:
    """Whether the tree depends on `var`."""
    if node[0] == "var":
        return node[1] == var
    return any(uses(c, var) for c in node[1:] if isinstance(c, tuple))


def derivative(node, var: str):
    """d node / d var as a simplified tree: reverse mode over the tree with torch's backward formulas, so the
    result is autograd's (exact: no finite differences)."""
    return simplify(_sum(_terms(node, _ONE, var)), absorb=True)


def _sum(terms: list):
    out = terms[0] if terms else _ZERO
    for t in terms[1:]:
        out = ("+", out, t)
    return out


def _terms(node, g, var: str) -> list:
    """The contributions to d/dvar of the subtree `node` whose adjoint (upstream gradient) is g."""
    kind = node[0]
    if not uses(node, var):  # autograd never enters a constant subtree: exp(1e308)' is 0, not NaN
        return []
    if kind == "var":
        return [g]
    if kind == "neg":
        return _terms(node[1], ("neg", g), var)
    if kind == "call":
        inner = _sum(_terms(node[2], FUNCTIONS[node[1]][2](g, node[2], node), var))
        return [("where", _KINK[node[1]](node[2]), _ZERO, inner)] if node[1] in _KINK else [inner]
    if kind == "where":  # the picked branch's gradient: the other branch contributes 0, even a NaN gradient
        return [("where", node[1], _sum(_terms(node[2], g, var)), _sum(_terms(node[3], g, var)))]
    a, b = node[1], node[2]
    if kind in ("max", "min"):  # torch.maximum / minimum: the larger (smaller) side's gradient, halves at a tie
        lose_a, lose_b = ("<", ">") if kind == "max" else (">", "<")
        half = _mul(g, ("where", ("==", a, b), _HALF, _ONE))  # every comparison false (NaN): both get g, as torch
        return [("where", (lose_a, a, b), _ZERO, _sum(_terms(a, half, var))),
                ("where", (lose_b, a, b), _ZERO, _sum(_terms(b, half, var)))]
    return _terms(a, _adjoint_a(kind, g, a, b), var) + _terms(b, _adjoint_b(kind, g, a, b, node), var)


def _adjoint_a(kind: str, g, a, b):
    if kind in ("+", "-"):
        return g
    if kind == "*":
        return _mul(g, b)
    if kind == "/":
        return ("/", g, b)
    # pow: torch's pow_backward_self, 0 where the exponent is 0
    return ("where", ("==", b, _ZERO), _ZERO, _mul(g, _mul(b, ("**", a, ("-", b, _ONE)))))


def _adjoint_b(kind: str, g, a, b, node):
    if kind in ("+", "-"):
        return g if kind == "+" else ("neg", g)
    if kind == "*":
        return _mul(g, a)
    if kind == "/":
        return ("neg", _mul(g, ("/", ("/", a, b), b)))
    # pow: torch's pow_backward_exponent, 0 where the base is 0 and the exponent >= 0
    log_term = _mul(node, ("call", "log", a))
    return _mul(g, ("where", ("==", a, _ZERO), ("where", (">=", b, _ZERO), _ZERO, log_term), log_term))


def simplify(node, absorb: bool = False):
    """Fold constant subtrees and exact identities (a*1, a+0, --a); with absorb also 0*a -> 0 (derivatives only).

    Absorbing is right for derivatives (autograd does not propagate through a branch that is constant in the
    variable) but would change values such as 0*log(x) at x < 0, so values are never absorbed, nor are the sides
    of a comparison (a condition is a value even inside a derivative). Shared subtrees are simplified once.
    """
    return _simplify(node, absorb, {})


def _simplify(node, absorb: bool, memo: dict):
    key = (id(node), absorb)
    if key not in memo:
        memo[key] = _simplify_once(node, absorb, memo)
    return memo[key]


def _simplify_once(node, absorb: bool, memo: dict):
    kind = node[0]
    if kind in ("num", "var"):
        return node
    if kind == "call":
        u = _simplify(node[2], absorb, memo)
        return _fold(FUNCTIONS[node[1]][0], u[1]) if u[0] == "num" else ("call", node[1], u)
    if kind == "neg":
        a = _simplify(node[1], absorb, memo)
        return _num(-a[1]) if a[0] == "num" else a[1] if a[0] == "neg" else ("neg", a)
    if kind == "where":
        c, a, b = _simplify(node[1], False, memo), _simplify(node[2], absorb, memo), _simplify(node[3], absorb, memo)
        if c[0] == "num":  # a constant condition picks its branch (NumPy's where would too, NaN included)
            return a if c[1] else b
        return a if a == b else ("where", c, a, b)
    a, b = (_simplify(c, absorb and kind not in COMPARISONS, memo) for c in node[1:3])
    if a[0] == "num" and b[0] == "num":
        return _fold(OPERATIONS[kind], a[1], b[1])
    return _identity(kind, a, b, absorb)


def _identity(kind: str, a, b, absorb: bool):
    za, zb = _is(a, 0.0), _is(b, 0.0)
    if kind == "+" and (za or zb):
        return b if za else a
    if kind == "-" and (za or zb):
        return a if zb else ("neg", b)
    if kind == "*":
        if absorb and (za or zb):
            return _ZERO
        if _is(a, 1.0) or _is(b, 1.0):
            return b if _is(a, 1.0) else a
    if kind == "/" and (_is(b, 1.0) or (absorb and za)):
        return a
    if kind == "**" and _is(b, 1.0):
        return a
    return (kind, a, b)


def _is(node, v: float) -> bool:
    return node[0] == "num" and node[1] == v


def _num(v) -> tuple:
    return ("num", float(v))


def _fold(fn, *args) -> tuple:
    """A constant subtree computed as NumPy would at run time (inf/NaN, never an exception or a warning)."""
    with np.errstate(all="ignore"):
        return ("num", float(fn(*(np.float64(a) for a in args))))
