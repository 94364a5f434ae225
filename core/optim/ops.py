"""The arithmetic every update rule shares, once per form: batched rows, one run's float pairs, plain values.

The forms do the same IEEE operations in the same order (Python floats and NumPy float64 round alike), so a rule
written with them gives the same numbers bit for bit in each (tests/core/test_optim_rules_py.py).

Batched rows: p, g (B, 2); h is core.optim.engine's columns: h[name] a 0-d array when every row agrees (NumPy
multiplies by a 0-d array faster than by a Python float) or a (B, 1) column, h["_f"][name] the same as a Python
float or the column, h["_on"] the settings non-zero in some row. Float pairs: [x, y] lists, h of Python floats.
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray


def arr(v):
    """A Python float as a 0-d array (fast NumPy operand); columns pass through."""
    return v if v.__class__ is np.ndarray else np.array(v)


def lerp(a, b, w: float):
    """torch.lerp(a, b, w) for floats or arrays and a float weight: its exact formula switches form at w = 0.5."""
    return a + w * (b - a) if w < 0.5 else b - (b - a) * (1 - w)


def l2_rows(g: Array, p: Array, h: dict) -> Array:
    """Coupled (L2) weight decay, as torch adds it to the gradient: g + wd * p (rows)."""
    return g + h["weight_decay"] * p if "weight_decay" in h["_on"] else g


def lerp_rows(a: Array, b: Array, h: dict, k: str) -> Array:
    """torch.lerp(a, b, w) over rows with w = h[k] (a 0-d array or a column)."""
    w, wf = h[k], h["_f"][k]
    if wf.__class__ is float:
        return a + w * (b - a) if wf < 0.5 else b - (b - a) * arr(1 - wf)
    return np.where(w < 0.5, a + w * (b - a), b - (b - a) * (1 - w))


def l2_pair(g: list, p: list, h: dict) -> list:
    """Coupled (L2) weight decay added to one run's gradient: g + wd * p."""
    wd = h["weight_decay"]
    return [g[0] + wd * p[0], g[1] + wd * p[1]] if wd else g


def lerp_pair(a: list, b: list, w: float) -> list:
    """torch.lerp(a, b, w) on one run's pairs."""
    if w < 0.5:
        return [a[0] + w * (b[0] - a[0]), a[1] + w * (b[1] - a[1])]
    c = 1 - w
    return [b[0] - (b[0] - a[0]) * c, b[1] - (b[1] - a[1]) * c]


def ema_sq_pair(a: list, g: list, beta: float, w: float) -> list:
    """a * beta + (1 - beta) * g * g on pairs (w = 1 - beta), torch's mul_(beta).addcmul_(g, g, 1 - beta)."""
    return [a[0] * beta + w * g[0] * g[0], a[1] * beta + w * g[1] * g[1]]


def fmax(a: float, b: float) -> float:
    """np.maximum on floats: NaN in either operand gives NaN."""
    return b if b > a or b != b else a


def fmin(a: float, b: float) -> float:
    """np.minimum on floats: NaN in either operand gives NaN."""
    return b if b < a or b != b else a


def sign(x: float) -> float:
    """np.sign on a float: -1, 0 or 1 (zero and NaN pass through)."""
    return 1.0 if x > 0 else -1.0 if x < 0 else x
