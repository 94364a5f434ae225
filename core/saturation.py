"""Saturated and dead units: where an activation's slope is (nearly) zero, so little gradient flows back.

>>> import torch
>>> z = torch.tensor([[-2.0, 0.5], [-1.0, 3.0]])          # (samples, units) pre-activations
>>> s = saturation(z, torch.relu(z), "relu")
>>> s.saturated, s.dead                                  # 2 of 4 outputs are 0; unit 1 is 0 for every sample
(0.5, 0.5)

Each rule marks a value as saturated where the activation's local slope is about 1% of its peak or less:

| activation | saturated when | slope there |
|---|---|---|
| relu | output == 0 (input <= 0) | 0 |
| sigmoid | output within 0.01 of 0 or 1 | < 0.0099 (peak 0.25) |
| tanh | abs(output) > 0.99 | < 0.02 (peak 1) |
| leaky_relu | input < 0 (the leaky side) | 0.01 (torch's negative_slope) |
| elu | output < -0.99 (within 0.01 of its floor -1) | exp(input) < 0.01 |
| gelu | input < -3 (the flat left tail, abs(output) < 0.005) | abs(slope) < 0.013 |

A unit is *dead* on a batch when every one of its values (every sample; every position for a CNN channel) is
saturated: it passes (almost) no gradient for that batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

Rule = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]  # (pre, post) -> bool mask of the same shape

SATURATION: dict[str, tuple[str, Rule]] = {
    "relu": ("output = 0", lambda pre, post: post == 0),
    "sigmoid": ("output within 0.01 of 0 or 1", lambda pre, post: (post < 0.01) | (post > 0.99)),
    "tanh": ("|output| > 0.99", lambda pre, post: post.abs() > 0.99),
    "leaky_relu": ("input < 0 (slope 0.01)", lambda pre, post: pre < 0),
    "elu": ("output < -0.99 (slope < 0.01)", lambda pre, post: post < -0.99),
    "gelu": ("input < -3 (flat tail)", lambda pre, post: pre < -3),
}


@dataclass(frozen=True)
class SaturationStat:
    """One layer on one batch: share of saturated values and share of dead units."""

    saturated: float  # fraction of all (sample, unit[, position]) values that are saturated
    dead: float  # fraction of units (channels for a CNN) saturated for every value of the batch


def saturation_mask(pre: torch.Tensor, post: torch.Tensor, activation: str) -> torch.Tensor:
    """Boolean mask, shape of ``post`` (N, units) or (N, C, H, W): where the activation is saturated."""
    if activation not in SATURATION:
        raise ValueError(f"No saturation rule for activation {activation!r}; known: {', '.join(SATURATION)}.")
    return SATURATION[activation][1](pre, post)


def saturation(pre: torch.Tensor, post: torch.Tensor, activation: str) -> SaturationStat:
    """Saturated share and dead-unit share of one layer from its (N, units[, H, W]) activations."""
    mask = saturation_mask(pre, post, activation)
    if mask.numel() == 0:
        return SaturationStat(float("nan"), float("nan"))
    # Units are axis 1 (MLP columns, CNN channels); a unit is dead if saturated over batch and positions.
    per_unit = mask.transpose(0, 1).reshape(mask.shape[1], -1).all(dim=1)
    n = mask.numel()
    return SaturationStat(int(mask.sum()) / n, int(per_unit.sum()) / per_unit.numel())
