"""BatchNorm's train/eval split: running statistics under torch's and Keras's conventions, and the paper's
population statistics.

- torch (``nn.BatchNorm2d``): ``running = (1 - momentum) * running + momentum * batch``, momentum 0.1 weighs the
  NEW batch; ``running_var`` is fed the unbiased variance (divide by m - 1) while the batch itself is normalized
  with the biased one (divide by m). ``momentum=None`` gives the cumulative average, as in torch.
- Keras (``BatchNormalization``): ``moving = momentum * moving + (1 - momentum) * batch``, momentum 0.99 (or 0.9)
  weighs the OLD value; the biased variance is averaged.
- Ioffe & Szegedy (2015), Algorithm 2: E[x] = mean of batch means, Var[x] = m / (m - 1) * mean of batch variances.

Batches are arrays (N, C), (N, L, C) or (N, C, H, W); m = number of values per channel in one batch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.norm_sets import canonical_shape, from_canonical, to_canonical
from core.normalization import check_eps


@dataclass(frozen=True)
class RunningStats:
    """Running mean and variance after each batch: rows (T+1, C), row 0 the initial value (mean 0, var 1)."""

    convention: str
    momentum: float | None
    mean: np.ndarray
    var: np.ndarray


def batch_moments(x) -> tuple[np.ndarray, np.ndarray, int]:
    """Per-channel mean (C,), biased variance (C,) and the count m of values per channel in one batch."""
    xc = to_canonical(np.asarray(x, dtype=np.float64))
    n, _, s = xc.shape
    m = n * s
    if m < 2:
        raise ValueError("A batch with a single value per channel (N = 1 and no spatial positions) has no "
                         "variance to learn from: the unbiased variance divides by m - 1 = 0. torch raises "
                         "'Expected more than 1 value per channel when training'. Use N >= 2.")
    mean = xc.mean(axis=(0, 2))
    var = np.square(xc - mean[None, :, None]).mean(axis=(0, 2))
    return mean, var, m


def _check_batches(batches: Sequence) -> None:
    if len(batches) == 0:
        raise ValueError("Running statistics need at least one batch.")
    channels = {canonical_shape(np.shape(b))[1] for b in batches}
    if len(channels) != 1:
        raise ValueError(f"Every batch must have the same number of channels; got {sorted(channels)}.")


def torch_running(batches: Sequence, momentum: float | None = 0.1) -> RunningStats:
    """torch's running_mean / running_var (unbiased) after each batch, as nn.BatchNorm* updates them in train()."""
    _check_batches(batches)
    if momentum is not None and not (0.0 < float(momentum) <= 1.0):
        raise ValueError(f"torch's momentum is the weight of the new batch and must be in (0, 1]; got {momentum}.")
    c = canonical_shape(np.shape(batches[0]))[1]
    mean, var = [np.zeros(c)], [np.ones(c)]
    for t, b in enumerate(batches, start=1):
        mu, v, m = batch_moments(b)
        w = 1.0 / t if momentum is None else float(momentum)
        mean.append((1 - w) * mean[-1] + w * mu)
        var.append((1 - w) * var[-1] + w * v * m / (m - 1))
    return RunningStats("torch", momentum, np.array(mean), np.array(var))


def keras_running(batches: Sequence, momentum: float = 0.99) -> RunningStats:
    """Keras's moving_mean / moving_variance (biased) after each batch; momentum weighs the old value."""
    _check_batches(batches)
    if not (0.0 <= float(momentum) < 1.0):
        raise ValueError(f"Keras's momentum is the weight of the OLD value and must be in [0, 1); got {momentum}.")
    c = canonical_shape(np.shape(batches[0]))[1]
    mean, var = [np.zeros(c)], [np.ones(c)]
    for b in batches:
        mu, v, _ = batch_moments(b)
        mean.append(momentum * mean[-1] + (1 - momentum) * mu)
        var.append(momentum * var[-1] + (1 - momentum) * v)
    return RunningStats("keras", momentum, np.array(mean), np.array(var))


def population_stats(batches: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """The paper's inference statistics (C,): mean of batch means and m/(m-1) times mean of batch variances."""
    _check_batches(batches)
    moments = [batch_moments(b) for b in batches]
    mean = np.mean([mu for mu, _, _ in moments], axis=0)
    var = np.mean([v * m / (m - 1) for _, v, m in moments], axis=0)
    return mean, var


def batch_norm_eval(x, running_mean, running_var, eps: float = 1e-5, weight=None, bias=None) -> np.ndarray:
    """BatchNorm in eval mode: x normalized with fixed per-channel statistics (C,), same shape as x."""
    eps = check_eps(eps)
    x = np.asarray(x, dtype=np.float64)
    n, c, s = canonical_shape(x.shape)
    if np.shape(running_mean) != (c,) or np.shape(running_var) != (c,):
        raise ValueError(f"Running statistics must have shape ({c},), one per channel.")
    if np.min(running_var) < 0 or not math.isfinite(float(np.sum(running_var))):
        raise ValueError("A running variance must be a finite number >= 0.")
    shape = (1, c, 1)
    xc = to_canonical(x)
    y = (xc - np.reshape(running_mean, shape)) / np.sqrt(np.reshape(running_var, shape) + eps)
    if weight is not None:
        y = y * np.reshape(weight, shape)
    if bias is not None:
        y = y + np.reshape(bias, shape)
    return np.ascontiguousarray(from_canonical(y, x.shape))
