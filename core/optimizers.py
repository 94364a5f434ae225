"""Optimizer trajectories, the documented entry point: run, run_batch, sweep and the OPTIMIZERS registry.

The code lives in core.optim (one module per rule family, the engine, the trajectory type); this module names
what notebooks and scripts import, as it did before the package existed (README: Python API).
"""

from core.optim.engine import MAX_STEPS
from core.optim.registry import OPTIMIZERS, get
from core.optim.run import MAX_PATHS, run, run_batch
from core.optim.spec import Hyper, OptimizerSpec
from core.optim.sweep import sweep
from core.optim.trajectory import Trajectory

__all__ = ["OPTIMIZERS", "Hyper", "OptimizerSpec", "Trajectory", "run", "run_batch", "sweep", "get", "MAX_STEPS",
           "MAX_PATHS"]
