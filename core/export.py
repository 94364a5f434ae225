"""Moved to core.optim.export.

This name stays so that code written against it keeps working (README: Python API, moved modules).
"""

from core.optim.export import trajectories_csv

__all__ = ["trajectories_csv"]
