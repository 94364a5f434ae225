"""The OPTIMIZERS registry: the specs of every family module, by name, in the order pages list them.

Adding an optimizer: a module beside these holding its Rule (every form) and SPECS, and its name in FAMILIES.
"""

from __future__ import annotations

from core.optim import adadelta, adagrad, adam, adamax, nadam, radam, rmsprop, rprop, sgd
from core.optim.spec import OptimizerSpec

FAMILIES = (sgd, adagrad, adadelta, rmsprop, adam, adamax, nadam, radam, rprop)
OPTIMIZERS: dict[str, OptimizerSpec] = {s.name: s for family in FAMILIES for s in family.SPECS}


def get(name: str) -> OptimizerSpec:
    """The spec called ``name``, or a ValueError listing the known names."""
    if name not in OPTIMIZERS:
        raise ValueError(f"Unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}.")
    return OPTIMIZERS[name]
