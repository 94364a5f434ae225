"""A user-typed surface f(x, y), parsed safely: an AST walk over a whitelist, never eval/exec of user text.

Allowed: x, y, numbers, pi, e, unary +/-, binary + - * / **, one-argument calls of ALLOWED functions, max(a, b),
min(a, b) and where(cond, a, b) whose cond is one comparison a < b, a <= b, a > b or a >= b.
The tree is differentiated symbolically (core.surfaces.symbolic), so the gradient is exact; at a kink it is
torch autograd's subgradient (the README's "Custom surfaces" section).
"""

from __future__ import annotations

import ast
import math
from dataclasses import replace

import numpy as np

from core.surfaces.latex import latex
from core.surfaces.program import Program, evaluate_torch
from core.surfaces.surface import Surface
from core.surfaces.symbolic import derivative, simplify, uses

MAX_CHARS = 200
MAX_NODES = 120
MAX_DEPTH = 32
ALIASES = {"arctan": "atan", "arcsin": "asin", "arccos": "acos", "maximum": "max", "minimum": "min"}
ALLOWED = ("sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "sinh", "cosh", "abs", "relu", "atan", "asin", "acos")
ARITY = {"max": 2, "min": 2, "where": 3}  # the calls of more than one argument
_EXAMPLE = {"max": "max(x, y)", "min": "min(x, 2*y)", "where": "where(x > y, x - y, 0)"}
_CMP = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_CONSTS = {"pi": (math.pi, r"\pi"), "e": (math.e, "e")}
_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_REFUSED = {  # AST node class -> what a student would call it
    "BoolOp": "'and' / 'or'", "Lambda": "lambda", "Subscript": "indexing with [ ]", "List": "lists",
    "Tuple": "tuples (a comma)", "Set": "sets", "Dict": "dicts", "ListComp": "comprehensions",
    "SetComp": "comprehensions", "DictComp": "comprehensions", "GeneratorExp": "comprehensions", "NamedExpr": "':='",
    "JoinedStr": "f-strings", "Await": "await", "Yield": "yield", "Starred": "'*' unpacking", "Slice": "slices",
}
_BAD_OPS = {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
            ast.BitOr: "|", ast.BitAnd: "&", ast.BitXor: "^"}
_FUNCS = f"{', '.join(ALLOWED)}, max(a, b), min(a, b), where(x > y, a, b)"
_HINT = f"use x, y, numbers, pi, e, + - * / ** and {_FUNCS}"


class ExpressionError(ValueError):
    """A custom expression was refused; the message is for the user."""


def parse(text: str):
    """The checked tree of `text` (core.surfaces.symbolic's node format), or ExpressionError saying what was refused."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("Type an expression in x and y, e.g. x**2 + 10*sin(y).")
    if len(text) > MAX_CHARS:
        raise ExpressionError(f"The expression is {len(text)} characters long; the limit is {MAX_CHARS}.")
    try:  # ast.parse only builds a syntax tree (compile with PyCF_ONLY_AST): no code object, nothing runs
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise ExpressionError(f"That is not a valid expression ({getattr(exc, 'msg', 'syntax error')}).") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ExpressionError(f"The expression is too complex (more than {MAX_NODES} parts).")
    return _convert(tree.body, 0)


def _convert(n: ast.AST, depth: int):
    if depth > MAX_DEPTH:
        raise ExpressionError(f"The expression is nested too deeply (more than {MAX_DEPTH} levels).")
    if isinstance(n, ast.Constant):
        if isinstance(n.value, bool) or not isinstance(n.value, int | float):
            raise ExpressionError(f"{n.value!r} is not allowed: only real numbers; {_HINT}.")
        return ("num", float(n.value))
    if isinstance(n, ast.Name):
        if n.id in ("x", "y"):
            return ("var", n.id)
        if n.id in _CONSTS:
            return ("num", *_CONSTS[n.id])
        raise ExpressionError(f"'{n.id}' is not allowed: {_HINT}.")
    if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.UAdd | ast.USub):
        a = _convert(n.operand, depth + 1)
        return ("neg", a) if isinstance(n.op, ast.USub) else a
    if isinstance(n, ast.BinOp):
        return _binary(n, depth)
    if isinstance(n, ast.Call):
        return _call(n, depth)
    if isinstance(n, ast.Attribute):
        raise ExpressionError("Attribute access ('.') is not allowed: write sin(x), not np.sin(x).")
    if isinstance(n, ast.Compare):
        raise ExpressionError("Comparisons (<, <=, >, >=) are only allowed as the condition of where(), e.g. "
                              "where(x > y, x - y, 0).")
    if isinstance(n, ast.IfExp):
        raise ExpressionError("If/else is written where(condition, a, b) here, e.g. where(x > y, x - y, 0).")
    what = _REFUSED.get(type(n).__name__, f"'{type(n).__name__}'")
    if isinstance(n, ast.UnaryOp):
        what = "'not' and '~'"
    raise ExpressionError(f"{what[0].upper()}{what[1:]} cannot be used in a surface: {_HINT}.")


def _binary(n: ast.BinOp, depth: int):
    if isinstance(n.op, ast.BitXor):
        raise ExpressionError("'^' is not a power here: write x**2 for x squared.")
    if type(n.op) not in _OPS:
        raise ExpressionError(f"The operator '{_BAD_OPS.get(type(n.op), '?')}' is not allowed: use + - * / **.")
    return (_OPS[type(n.op)], _convert(n.left, depth + 1), _convert(n.right, depth + 1))


def _call(n: ast.Call, depth: int):
    if isinstance(n.func, ast.Attribute):
        raise ExpressionError("Attribute access ('.') is not allowed: write sin(x), not np.sin(x).")
    name = n.func.id if isinstance(n.func, ast.Name) else None
    name = ALIASES.get(name, name)
    if name not in ALLOWED and name not in ARITY:
        shown = f"'{n.func.id}()'" if isinstance(n.func, ast.Name) else "That call"
        raise ExpressionError(f"{shown} is not an allowed function. Only these functions are allowed: "
                              f"{_FUNCS} (arctan, arcsin, arccos, maximum, minimum also work).")
    want = ARITY.get(name, 1)
    if len(n.args) != want or n.keywords or any(isinstance(a, ast.Starred) for a in n.args):
        if want == 1:
            raise ExpressionError(f"{name}() takes exactly one argument, e.g. {name}(x*y).")
        more = "; nest them for more, e.g. max(max(x, y), 1)" if want == 2 else ""
        raise ExpressionError(f"{name}() takes exactly {('two', 'three')[want - 2]} arguments, e.g. "
                              f"{_EXAMPLE[name]}{more}.")
    if name == "where":
        return ("where", _condition(n.args[0], depth + 1), *(_convert(a, depth + 1) for a in n.args[1:]))
    args = tuple(_convert(a, depth + 1) for a in n.args)
    return (name, *args) if want == 2 else ("call", name, *args)


def _condition(n: ast.AST, depth: int):
    """where()'s first argument: one comparison with <, <=, > or >=."""
    if depth > MAX_DEPTH:
        raise ExpressionError(f"The expression is nested too deeply (more than {MAX_DEPTH} levels).")
    if not isinstance(n, ast.Compare):
        raise ExpressionError("where() needs one comparison as its condition, e.g. where(x > y, x - y, 0); "
                              "combine conditions by nesting where() calls.")
    if len(n.ops) > 1:
        raise ExpressionError("Chained comparisons such as 0 < x < 1 are not allowed: nest two where() calls, "
                              "e.g. where(x > 0, where(x < 1, a, b), b).")
    if type(n.ops[0]) not in _CMP:
        raise ExpressionError("A condition compares with <, <=, > or >=: '==' and '!=' hold only on a line (or "
                              "never, for computed floats), and 'is' / 'in' are not arithmetic.")
    return (_CMP[type(n.ops[0])], _convert(n.left, depth + 1), _convert(n.comparators[0], depth + 1))


def custom_surface(expr: str, box: tuple[float, float, float, float] = (-3.0, 3.0, -3.0, 3.0)) -> Surface:
    """A Surface from user text; refuses flat, nowhere-finite or everywhere-overflowing expressions clearly."""
    tree = parse(expr)
    if not (uses(tree, "x") or uses(tree, "y")):
        raise ExpressionError("The expression has no x or y: the surface is flat, nothing would move.")
    value = Program([simplify(tree)])
    dx, dy = derivative(tree, "x"), derivative(tree, "y")
    if dx == dy == ("num", 0.0):  # e.g. where(x > 0, 1, 2): the conditions use x, y, the gradient is 0 everywhere
        raise ExpressionError("The gradient is zero everywhere (the surface is flat in pieces), nothing would move.")
    grad = Program([dx, dy])
    surface = Surface(
        "custom", f"Custom: {expr.strip()}", latex(tree), lambda x, y, m: _value(tree, value, x, y, m),
        lambda x, y: grad(x, y), box, np.zeros((0, 2)), _CANDIDATE_STARTS,
    )
    xs, ys, z = surface.grid(60)
    if not np.isfinite(z).any():
        raise ExpressionError("The expression is not a finite real number anywhere on the plot (overflow, or "
                              "log/sqrt of negative numbers?).")
    return _with_finite_starts(surface)


def _value(tree, program: Program, x, y, m):
    return program(x, y)[0] if m is np else evaluate_torch(tree, x, y, m)


# Start points tried in order; those where f and its gradient are finite become the surface's starts.
_CANDIDATE_STARTS = ((-2.0, 2.0), (2.0, -1.5), (2.0, 2.0), (-2.0, -2.0), (1.0, 1.0), (0.5, 0.5), (2.5, 0.5))


def _with_finite_starts(surface: Surface) -> Surface:
    """The surface with starts where the run can begin: f and gradient finite (falls back to the candidates)."""
    pts = np.array(_CANDIDATE_STARTS)
    ok = np.isfinite(surface.value(pts)) & np.isfinite(surface.grad(pts)).all(axis=1)
    starts = tuple(map(tuple, pts[ok].tolist())) or _CANDIDATE_STARTS
    return replace(surface, starts=starts)
