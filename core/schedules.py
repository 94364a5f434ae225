"""Moved to core.optim.schedules.

This name stays so that code written against it keeps working (README: Python API, moved modules).
"""

from core.optim.schedules import SCHEDULES, ScheduleSpec, inverse_sqrt_factor, lrs, resolve, torch_scheduler

__all__ = ["SCHEDULES", "ScheduleSpec", "inverse_sqrt_factor", "lrs", "resolve", "torch_scheduler"]
