"""Moved to core.optim.lookahead.

This name stays so that code written against it keeps working (README: Python API, moved modules).
"""

from core.optim.lookahead import LookAhead, lookahead

__all__ = ["LookAhead", "lookahead"]
