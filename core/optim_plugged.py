"""Moved to core.optim.plugged (and its LaTeX helpers, core.optim.tex).

This name stays so that code written against it keeps working (README: Python API, moved modules).
"""

from core.optim.plugged import Plugged, plugged
from core.optim.tex import DIGITS, num, vec

__all__ = ["DIGITS", "Plugged", "num", "plugged", "vec"]
