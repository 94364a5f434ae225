"""Moved to core.optim.engine.

This name stays so that code written against it keeps working (README: Python API, moved modules).
"""

from core.optim.engine import MAX_STEPS, Batch, Group, ScheduledStepper, Stepper, advance, first_exit, inside, prepare

__all__ = ["Batch", "Group", "MAX_STEPS", "ScheduledStepper", "Stepper", "advance", "first_exit", "inside", "prepare"]
