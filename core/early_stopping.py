"""Early stopping on a validation curve (epochs + 1,): the best epoch and where patience runs out."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["StopPoint", "early_stop"]


@dataclass(frozen=True)
class StopPoint:
    """``best``: epoch whose weights are kept; ``stop``: epoch training halts (last epoch if never)."""

    best: int
    stop: int
    stopped: bool  # False when patience never ran out within the curve


def early_stop(val_loss: np.ndarray, patience: int, min_delta: float = 0.0) -> StopPoint:
    """Keras' rule: halt after ``patience`` epochs without a drop of more than ``min_delta`` below the best."""
    if not (isinstance(patience, int | np.integer) and patience >= 1):
        raise ValueError(f"Patience must be a whole number of epochs, at least 1, got {patience}.")
    v = np.asarray(val_loss, dtype=float)
    if v.ndim != 1 or len(v) == 0 or not np.isfinite(v[0]):
        raise ValueError("Early stopping needs a validation curve with a finite first value.")
    best, wait = 0, 0
    for epoch in range(1, len(v)):
        if np.isfinite(v[epoch]) and v[epoch] < v[best] - min_delta:
            best, wait = epoch, 0
            continue
        wait += 1
        if wait >= patience or not np.isfinite(v[epoch]):  # a diverged run stops at once
            return StopPoint(best, epoch, True)
    return StopPoint(best, len(v) - 1, False)
