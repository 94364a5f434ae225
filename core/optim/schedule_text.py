"""Typed lists of a schedule (MultiStepLR's milestones, a piecewise schedule's boundaries and values) read safely.

Only numbers, commas and spaces are read (never evaluated), the text is bounded, and anything else is refused
with one sentence; core.optim.schedules.resolve then checks the ranges (increasing steps, values >= 0).
"""

from __future__ import annotations

import math
import re

MAX_CHARS = 200
_ALLOWED = re.compile(r"[0-9eE.+\-,\s]*")


def parse_numbers(text: str, what: str, whole: bool = False) -> tuple:
    """'100, 250' -> (100, 250) (ints if whole, else floats); ValueError with one sentence naming `what` if bad."""
    if not isinstance(text, str) or len(text) > MAX_CHARS:
        raise ValueError(f"The {what} must be at most {MAX_CHARS} characters of numbers and commas.")
    if not _ALLOWED.fullmatch(text):
        raise ValueError(f"The {what} may hold only numbers separated by commas, like 100, 250.")
    parts = [p.strip() for p in text.split(",")]
    if not any(parts):
        raise ValueError(f"The {what} need at least one number.")
    out = []
    for p in parts:
        try:
            x = float(p)
        except ValueError:
            raise ValueError(f"The {what} hold {p!r}, which is not a number.") from None
        if not math.isfinite(x):
            raise ValueError(f"The {what} must be finite numbers.")
        if whole and x != int(x):
            raise ValueError(f"The {what} must be whole numbers of steps, got {p}.")
        out.append(int(x) if whole else x)
    return tuple(out)


def format_numbers(values) -> str:
    """(100, 250) -> '100, 250': the text parse_numbers reads back."""
    return ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in values)
