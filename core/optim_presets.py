"""Moved to core.optim.presets.

This name stays so that code written against it keeps working (README: Python API, moved modules).
"""

from core.optim.presets import COURSE, DEFAULT_LR, LR_GRID, PRESETS, Preset, default_lr, goh_momentum, lr_choices

__all__ = ["COURSE", "DEFAULT_LR", "LR_GRID", "PRESETS", "Preset", "default_lr", "goh_momentum", "lr_choices"]
