"""LaTeX of an expression tree (see core.surfaces.symbolic for the node format), with only the parentheses it needs."""

from __future__ import annotations

import math

_NAMES = {"sin": r"\sin", "cos": r"\cos", "tan": r"\tan", "log": r"\log", "exp": r"\exp", "tanh": r"\tanh",
          "sinh": r"\sinh", "cosh": r"\cosh", "atan": r"\arctan", "asin": r"\arcsin", "acos": r"\arccos",
          "relu": r"\operatorname{relu}", "max": r"\max", "min": r"\min"}
_RELATIONS = {"<": "<", "<=": r"\le", ">": ">", ">=": r"\ge", "==": "="}
# Binding strength: sums 1, a leading minus 1.5 (so a - (-b) and a (-b) keep their brackets), products 2,
# powers 4, fractions 4.5 (a fraction as a base still needs brackets), atoms 5.
_ATOM, _FRAC, _POW, _PROD, _NEG, _SUM = 5.0, 4.5, 4.0, 2.0, 1.5, 1.0


def latex(node) -> str:
    """The tree as LaTeX for st.latex, e.g. ('*', 10, sin(y)) -> 10 \\sin\\left(y\\right)."""
    return _tex(node)[0]


def _tex(node) -> tuple[str, float]:
    kind = node[0]
    if kind == "num":
        return (node[2] if len(node) > 2 else number(node[1])), (_ATOM if node[1] >= 0 else _NEG)
    if kind == "var":
        return node[1], _ATOM
    if kind == "call":
        inner = _tex(node[2])[0]
        if node[1] == "sqrt":
            return rf"\sqrt{{{inner}}}", _ATOM
        if node[1] == "abs":
            return rf"\left|{inner}\right|", _ATOM
        return rf"{_NAMES[node[1]]}\left({inner}\right)", _ATOM
    if kind == "neg":
        return "-" + _wrap(node[1], _PROD), _NEG
    if kind in ("max", "min"):
        return rf"{_NAMES[kind]}\left({_tex(node[1])[0]}, {_tex(node[2])[0]}\right)", _ATOM
    if kind in _RELATIONS:
        return f"{_tex(node[1])[0]} {_RELATIONS[kind]} {_tex(node[2])[0]}", _SUM
    if kind == "where":  # a brace of cases; as a power's base or a factor it gets brackets like a fraction
        cond, a, b = (_tex(c)[0] for c in node[1:])
        return (rf"\begin{{cases}} {a} & \text{{if }} {cond} \\ {b} & \text{{otherwise}} \end{{cases}}",
                _FRAC)
    a, b = node[1], node[2]
    if kind == "/":
        return rf"\frac{{{_tex(a)[0]}}}{{{_tex(b)[0]}}}", _FRAC
    if kind == "**":
        return f"{{{_wrap(a, _ATOM)}}}^{{{_tex(b)[0]}}}", _POW
    if kind == "*":
        left, right = _wrap(a, _PROD), _wrap(b, _PROD)
        juxtapose = a[0] == "num" and (_letter_first(b) or right.startswith(r"\left("))
        return left + (" " if juxtapose else r" \cdot ") + right, _PROD
    return f"{_wrap(a, _SUM)} {kind} {_wrap(b, _PROD)}", _SUM


def _letter_first(node) -> bool:
    """Whether the node's LaTeX starts with a letter or command, so 2 x needs no dot."""
    heads = ("var", "call", "max", "min")
    return node[0] in heads or (node[0] == "**" and node[1][0] in heads)


def _wrap(node, least: float) -> str:
    """The operand's LaTeX, in brackets when it binds less tightly than `least`."""
    text, strength = _tex(node)
    return text if strength >= least else rf"\left({text}\right)"


def number(v: float) -> str:
    """A float as short LaTeX: 3, 0.25, 1.5 \\times 10^{-5}, \\infty."""
    if math.isinf(v):
        return r"\infty" if v > 0 else r"-\infty"
    if math.isnan(v):
        return r"\mathrm{NaN}"
    text = f"{v:.6g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text
