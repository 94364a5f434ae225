"""Expression trees in x and y: exact derivatives, simplification, a compiled NumPy evaluator and LaTeX.

A node is ("num", v[, latex]) | ("var", "x" | "y") | ("neg", a) | (op, a, b) with op in + - * / ** |
("call", f, a) with f a key of FUNCTIONS. Trees come from `core.surfaces.expression.parse`; nothing here reads user
text.
"""

from __future__ import annotations

import numpy as np

# name -> (numpy function, torch function name, derivative builder f'(u) as a tree)
FUNCTIONS = {
    "sin": (np.sin, "sin", lambda u: ("call", "cos", u)),
    "cos": (np.cos, "cos", lambda u: ("neg", ("call", "sin", u))),
    "tan": (np.tan, "tan", lambda u: ("/", _ONE, ("**", ("call", "cos", u), _TWO))),
    "exp": (np.exp, "exp", lambda u: ("call", "exp", u)),
    "log": (np.log, "log", lambda u: ("/", _ONE, u)),
    "sqrt": (np.sqrt, "sqrt", lambda u: ("/", ("num", 0.5), ("call", "sqrt", u))),
    "tanh": (np.tanh, "tanh", lambda u: ("-", _ONE, ("**", ("call", "tanh", u), _TWO))),
    "sinh": (np.sinh, "sinh", lambda u: ("call", "cosh", u)),
    "cosh": (np.cosh, "cosh", lambda u: ("call", "sinh", u)),
    "abs": (np.abs, "abs", lambda u: ("call", "sign", u)),
    "atan": (np.arctan, "atan", lambda u: ("/", _ONE, ("+", _ONE, ("**", u, _TWO)))),
    "asin": (np.arcsin, "asin", lambda u: ("/", _ONE, ("call", "sqrt", ("-", _ONE, ("**", u, _TWO))))),
    "acos": (np.arccos, "acos", lambda u: ("neg", ("/", _ONE, ("call", "sqrt", ("-", _ONE, ("**", u, _TWO)))))),
    "sign": (np.sign, "sign", lambda u: ("num", 0.0)),  # only as abs' derivative
}
_ONE, _TWO, _ZERO = ("num", 1.0), ("num", 2.0), ("num", 0.0)
_BINARY = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "**": np.power}


def uses(node, var: str) -> bool:
    """Whether the tree depends on `var`."""
    if node[0] == "var":
        return node[1] == var
    return any(uses(c, var) for c in node[1:] if isinstance(c, tuple))


def derivative(node, var: str):
    """d node / d var as a simplified tree (exact: the chain rule, no finite differences)."""
    return simplify(_d(node, var), absorb=True)


def _d(node, var: str):
    kind = node[0]
    if kind == "num":
        return _ZERO
    if kind == "var":
        return _ONE if node[1] == var else _ZERO
    if kind == "neg":
        return ("neg", _d(node[1], var))
    if kind == "call":
        return ("*", FUNCTIONS[node[1]][2](node[2]), _d(node[2], var))
    a, b = node[1], node[2]
    da, db = _d(a, var), _d(b, var)
    if kind in ("+", "-"):
        return (kind, da, db)
    if kind == "*":
        return ("+", ("*", da, b), ("*", a, db))
    if kind == "/":  # torch's form: da / b - a db / b^2
        return ("-", ("/", da, b), ("/", ("*", a, db), ("**", b, _TWO)))
    # a^b: b a^(b-1) a' + a^b log(a) b', the second term only when b depends on var
    first = ("*", ("*", b, ("**", a, ("-", b, _ONE))), da)
    return first if not uses(b, var) else ("+", first, ("*", ("*", node, ("call", "log", a)), db))


def simplify(node, absorb: bool = False):
    """Fold constant subtrees and exact identities (a*1, a+0, --a); with absorb also 0*a -> 0 (derivatives only).

    Absorbing is right for derivatives (autograd does not propagate through a branch that is constant in the
    variable) but would change values such as 0*log(x) at x < 0, so values are never absorbed.
    """
    kind = node[0]
    if kind in ("num", "var"):
        return node
    if kind == "call":
        u = simplify(node[2], absorb)
        return _fold(FUNCTIONS[node[1]][0], u[1]) if u[0] == "num" else ("call", node[1], u)
    if kind == "neg":
        a = simplify(node[1], absorb)
        return _num(-a[1]) if a[0] == "num" else a[1] if a[0] == "neg" else ("neg", a)
    a, b = simplify(node[1], absorb), simplify(node[2], absorb)
    if a[0] == "num" and b[0] == "num":
        return _fold(_BINARY[kind], a[1], b[1])
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


class Program:
    """Trees compiled to one straight-line NumPy program; shared subtrees are computed once per call."""

    def __init__(self, trees) -> None:
        self._slots: dict = {}
        self._consts: list = []  # (slot, value)
        self._code: list = []  # (slot, ufunc, arg slots)
        self._vars = {}
        self._out = [self._emit(t) for t in trees]

    def _emit(self, node) -> int:
        kind = node[0]
        if kind == "num":
            key = ("num", float(node[1]))
        elif kind == "var":
            key = node[:2]
        else:
            key = (kind, node[1] if kind == "call" else "", *(self._emit(c) for c in node[1:] if isinstance(c, tuple)))
        if key not in self._slots:
            slot = self._slots[key] = len(self._slots)
            if kind == "num":
                self._consts.append((slot, np.float64(key[1])))
            elif kind == "var":
                self._vars[key[1]] = slot
            else:
                fn = FUNCTIONS[key[1]][0] if kind == "call" else np.negative if kind == "neg" else _BINARY[kind]
                self._code.append((slot, fn, key[2:]))
        return self._slots[key]

    def __call__(self, x, y) -> list:
        """The outputs at x, y (arrays of one shape); a constant output comes back as a scalar."""
        regs = [None] * len(self._slots)
        for slot, v in self._consts:
            regs[slot] = v
        if "x" in self._vars:
            regs[self._vars["x"]] = x
        if "y" in self._vars:
            regs[self._vars["y"]] = y
        for slot, fn, args in self._code:
            regs[slot] = fn(*[regs[a] for a in args])
        return [regs[i] for i in self._out]


def evaluate_torch(node, x, y, torch):
    """Value of the tree at torch tensors x, y by a plain walk (the autograd oracle's independent path)."""
    kind = node[0]
    if kind == "num":
        return torch.full_like(x, node[1])
    if kind == "var":
        return x if node[1] == "x" else y
    if kind == "neg":
        return -evaluate_torch(node[1], x, y, torch)
    if kind == "call":
        return getattr(torch, FUNCTIONS[node[1]][1])(evaluate_torch(node[2], x, y, torch))
    a, b = evaluate_torch(node[1], x, y, torch), evaluate_torch(node[2], x, y, torch)
    return {"+": a.__add__, "-": a.__sub__, "*": a.__mul__, "/": a.__truediv__, "**": a.__pow__}[kind](b)
