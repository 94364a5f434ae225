"""A user-typed surface f(x, y), parsed safely: an AST walk over a whitelist, never eval/exec of user text.

Allowed: x, y, numbers, pi, e, unary +/-, binary + - * / **, and calls of FUNCTIONS with one argument.
The tree is differentiated symbolically, so the gradient is exact; it evaluates over numpy or torch.
"""

from __future__ import annotations

import ast
import math

import numpy as np

from core.surfaces import Surface

MAX_CHARS = 200
MAX_NODES = 120
FUNCTIONS = ("sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "sinh", "cosh", "abs", "atan")
_CONSTS = {"pi": math.pi, "e": math.e}
_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_TORCH_NAMES = {"atan": "atan", "abs": "abs"}
_NUMPY_NAMES = {"atan": "arctan", "abs": "abs"}


class ExpressionError(ValueError):
    """A custom expression was refused; the message is for the user."""


# A node is ("num", v) | ("var", "x") | ("neg", a) | (op, a, b) with op in + - * / ** | ("call", fname, a).


def parse(text: str):
    """The checked tree of `text`, or ExpressionError saying what was refused."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("Type an expression in x and y, e.g. x**2 + 10*sin(y).")
    if len(text) > MAX_CHARS:
        raise ExpressionError(f"The expression is {len(text)} characters long; the limit is {MAX_CHARS}.")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise ExpressionError(f"That is not a valid expression ({getattr(exc, 'msg', 'syntax error')}).") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ExpressionError(f"The expression is too complex (more than {MAX_NODES} parts).")
    return _convert(tree.body)


def _convert(n: ast.AST):
    if isinstance(n, ast.Constant):
        if isinstance(n.value, bool) or not isinstance(n.value, int | float):
            raise ExpressionError(f"{n.value!r} is not allowed: only real numbers, x and y.")
        return ("num", float(n.value))
    if isinstance(n, ast.Name):
        if n.id in ("x", "y"):
            return ("var", n.id)
        if n.id in _CONSTS:
            return ("num", _CONSTS[n.id])
        raise ExpressionError(f"'{n.id}' is not allowed: use x, y, numbers, pi, e and {', '.join(FUNCTIONS)}.")
    if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.UAdd | ast.USub):
        a = _convert(n.operand)
        return ("neg", a) if isinstance(n.op, ast.USub) else a
    if isinstance(n, ast.BinOp):
        if isinstance(n.op, ast.BitXor):
            raise ExpressionError("'^' is not a power here: write x**2 for x squared.")
        if type(n.op) not in _OPS:
            raise ExpressionError(f"The operator in '{ast.unparse(n)[:30]}' is not allowed: use + - * / **.")
        return (_OPS[type(n.op)], _convert(n.left), _convert(n.right))
    if isinstance(n, ast.Call):
        name = n.func.id if isinstance(n.func, ast.Name) else None
        if name not in FUNCTIONS:
            raise ExpressionError(f"Only these functions are allowed: {', '.join(FUNCTIONS)}.")
        if len(n.args) != 1 or n.keywords or isinstance(n.args[0], ast.Starred):
            raise ExpressionError(f"{name}() takes exactly one argument.")
        return ("call", name, _convert(n.args[0]))
    if isinstance(n, ast.Attribute):
        raise ExpressionError("Attribute access ('.') is not allowed.")
    raise ExpressionError(f"'{type(n).__name__}' is not allowed in an expression: use x, y, numbers and + - * / **.")


def uses(node, var: str) -> bool:
    """Whether the tree depends on `var`."""
    if node[0] == "var":
        return node[1] == var
    return any(uses(c, var) for c in node[1:] if isinstance(c, tuple))


def _num(v: float):
    return ("num", v)


def derivative(node, var: str):
    """d node / d var as a new tree (exact)."""
    kind = node[0]
    if kind == "num":
        return _num(0.0)
    if kind == "var":
        return _num(1.0 if node[1] == var else 0.0)
    if kind == "neg":
        return ("neg", derivative(node[1], var))
    if kind in ("+", "-"):
        return (kind, derivative(node[1], var), derivative(node[2], var))
    a, b = node[1], node[2] if len(node) > 2 else None
    if kind == "*":
        return ("+", ("*", derivative(a, var), b), ("*", a, derivative(b, var)))
    if kind == "/":
        return ("/", ("-", ("*", derivative(a, var), b), ("*", a, derivative(b, var))), ("**", b, _num(2.0)))
    if kind == "**":
        if not uses(b, var):  # d(a^c) = c a^(c-1) a'
            return ("*", ("*", b, ("**", a, ("-", b, _num(1.0)))), derivative(a, var))
        return ("*", node, ("+", ("*", derivative(b, var), ("call", "log", a)), ("/", ("*", b, derivative(a, var)), a)))
    return ("*", _outer(node[1], node[2]), derivative(node[2], var))


def _outer(f: str, u):
    """f'(u) as a tree."""
    return {
        "sin": ("call", "cos", u),
        "cos": ("neg", ("call", "sin", u)),
        "tan": ("/", _num(1.0), ("**", ("call", "cos", u), _num(2.0))),
        "exp": ("call", "exp", u),
        "log": ("/", _num(1.0), u),
        "sqrt": ("/", _num(0.5), ("call", "sqrt", u)),
        "tanh": ("-", _num(1.0), ("**", ("call", "tanh", u), _num(2.0))),
        "sinh": ("call", "cosh", u),
        "cosh": ("call", "sinh", u),
        "abs": ("call", "sign", u),
        "atan": ("/", _num(1.0), ("+", _num(1.0), ("**", u, _num(2.0)))),
    }[f]


def evaluate(node, x, y, m=np):
    """Value of the tree at x, y (arrays or torch tensors); m is numpy or torch."""
    kind = node[0]
    if kind == "num":  # as an array, so numpy semantics apply (1/0 is inf, not ZeroDivisionError)
        return _as(node[1], x, m)
    if kind == "var":
        return x if node[1] == "x" else y
    if kind == "neg":
        return -evaluate(node[1], x, y, m)
    if kind == "call":
        names = _NUMPY_NAMES if m is np else _TORCH_NAMES
        return getattr(m, names.get(node[1], node[1]))(evaluate(node[2], x, y, m))
    a, b = evaluate(node[1], x, y, m), evaluate(node[2], x, y, m)
    if kind == "+":
        return a + b
    if kind == "-":
        return a - b
    if kind == "*":
        return a * b
    if kind == "/":
        return a / b
    return a**b


def _as(v: float, like, m):
    if m is np:
        return np.full(np.shape(like), v)
    return m.full_like(like, v)


def custom_surface(expr: str, box: tuple[float, float, float, float] = (-3.0, 3.0, -3.0, 3.0)) -> Surface:
    """A Surface from user text; refuses flat, nowhere-real or overflowing expressions with a clear message."""
    tree = parse(expr)
    if not (uses(tree, "x") or uses(tree, "y")):
        raise ExpressionError("The expression has no x or y: the surface is flat, nothing would move.")
    dx, dy = derivative(tree, "x"), derivative(tree, "y")
    surface = Surface(
        "custom", f"Custom: {expr.strip()}", _latex(expr), lambda x, y, m: evaluate(tree, x, y, m),
        lambda x, y: (evaluate(dx, x, y), evaluate(dy, x, y)), box, np.zeros((0, 2)), ((-2.0, 2.0), (2.0, -1.5)),
    )
    _, _, z = surface.grid(60)
    finite = np.isfinite(z)
    if not finite.any():
        raise ExpressionError("The expression is not a finite real number anywhere on the plot (overflow, or log/"
                              "sqrt of negatives?).")
    return surface


def _latex(expr: str) -> str:
    return r"\texttt{" + "".join("\\" + c if c in "{}_%$#&^~\\" else c for c in expr.strip()) + "}"
