"""Moved to core.optim.fair_race.

This name stays so that code written against it keeps working (README: Python API, moved modules).
"""

import numpy as np

from core.optim.fair_race import FairRace, at_best, lr_sensitivity, shared
from core.optim.presets import LR_GRID

GRID = np.array(LR_GRID)  # the fair race's lr grid as an array (core.optim.presets.LR_GRID)

__all__ = ["FairRace", "GRID", "LR_GRID", "at_best", "lr_sensitivity", "shared"]
