"""Moved to core.optim.state (rebuilt buffers: core.optim.recorded).

This name stays so that code written against it keeps working (README: Python API, moved modules).
"""

from core.optim.recorded import grad_avg, max_exp_avg_sq, steps, used_grads, velocity
from core.optim.registry import OPTIMIZERS
from core.optim.state import bias_corrected, series, step_size

# Per-optimizer tables, now fields of each OptimizerSpec (step_tex, direction, rule.corrected).
STEP_SIZE_TEX = {n: s.step_tex for n, s in OPTIMIZERS.items()}
DIRECTION = {n: s.direction for n, s in OPTIMIZERS.items()}
ADAM_FAMILY = tuple(n for n, s in OPTIMIZERS.items() if s.rule.corrected)

__all__ = ["ADAM_FAMILY", "DIRECTION", "STEP_SIZE_TEX", "bias_corrected", "grad_avg", "max_exp_avg_sq", "series",
           "step_size", "steps", "used_grads", "velocity"]
