"""LaTeX with the numbers plugged in: the lines of one optimizer step, written by each rule's plugged form.

Vectors are (x, y) columns; products, quotients, squares and roots act per coordinate.
"""

from __future__ import annotations

import numpy as np

from core.optim.ops import lerp

DIGITS = 5  # significant digits shown: enough to redo one step by hand
GRAD = r"g_t = \nabla f(\theta_{t-1}) + \lambda\theta_{t-1}"  # the gradient a rule sees, L2 weight decay included


def num(x: float, digits: int = DIGITS) -> str:
    """A float as LaTeX: 0.0012346, 1.2346\\times10^{-5}, -3."""
    s = f"{float(x):.{digits}g}"
    if "e" in s:
        m, e = s.split("e")
        return rf"{m}\times10^{{{int(e)}}}"
    return s


def vec(v: np.ndarray) -> str:
    """A 2-vector as a LaTeX column."""
    return rf"\begin{{pmatrix}}{num(v[0])}\\{num(v[1])}\end{{pmatrix}}"


class Lines:
    """Collects 'lhs = rule = numbers = value' lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, lhs: str, rule: str, numbers: str, value) -> np.ndarray | float:
        """Append one line (two rows: fits a projector) and return its value."""
        shown = vec(value) if np.ndim(value) else num(value)
        self.lines.append(rf"{lhs} &= {rule} \\ &= {numbers} = {shown}")
        return value


def moments(L: Lines, s: dict, g: np.ndarray, h: dict):
    """Adam-style m_t (torch's lerp) and, when the rule keeps one, v_t, as plugged-in lines."""
    b1, b2 = h["beta1"], h["beta2"]
    m = L.add("m_t", r"\beta_1 m_{t-1} + (1-\beta_1) g_t", rf"{num(b1)}\,{vec(s['exp_avg'])} + {num(1 - b1)}\,"
              rf"{vec(g)}", lerp(s["exp_avg"], g, 1 - b1))
    if "exp_avg_sq" not in s:
        return m, None
    v = L.add("v_t", r"\beta_2 v_{t-1} + (1-\beta_2) g_t^2", rf"{num(b2)}\,{vec(s['exp_avg_sq'])} + {num(1 - b2)}\,"
              rf"{vec(g)}^2", s["exp_avg_sq"] * b2 + (1 - b2) * g * g)
    return m, v
