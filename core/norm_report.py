"""Everything the normalization page shows, computed in one place: each method's output, its per-set statistics
and counts, the GroupNorm identities, one cell's numbers, Algorithm 1's table, LayerNorm vs RMSNorm per token,
running statistics over a stream of batches and what eval mode does to a batch of one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.bn_backward import BNForward, BNGrads
from core.norm_sets import affine_shape, set_size, shared_stats_mask, stat_count
from core.normalization import NORMALIZATIONS, normalize, set_stats
from core.running_stats import (
    RunningStats,
    batch_moments,
    batch_norm_eval,
    keras_running,
    population_stats,
    torch_running,
)

CUBE_KINDS = ("batch", "layer", "instance", "group")


@dataclass(frozen=True)
class MethodResult:
    """One method on one tensor: output like x, (mean, var) grids, how many statistics, gamma/beta shape."""

    kind: str
    y: np.ndarray
    mean: np.ndarray
    var: np.ndarray
    count: int
    affine: tuple[int, ...]
    set_size: int


def run_methods(x: np.ndarray, groups: int, eps: float,
                kinds: Sequence[str] = CUBE_KINDS) -> tuple[dict[str, MethodResult], dict[str, str]]:
    """Every method of ``kinds`` applied to x with batch statistics (training mode), and the reason (a sentence)
    for each method that cannot run on this shape (e.g. BatchNorm with one value per channel)."""
    out, refused = {}, {}
    for kind in kinds:
        try:
            y = normalize(x, kind, groups=groups, eps=eps)
        except ValueError as err:
            refused[kind] = str(err)
            continue
        stats = set_stats(x, kind, groups)
        out[kind] = MethodResult(kind, y, stats.mean, stats.var,
                                 stat_count(x.shape, kind, groups), affine_shape(x.shape, kind),
                                 set_size(x.shape, kind, groups))
    return out, refused


def identity_gaps(x: np.ndarray, eps: float) -> dict[str, float]:
    """max |LN(x) - GN_{G=1}(x)| and max |IN(x) - GN_{G=C}(x)| on this very tensor (both should be ~1e-16)."""
    c = x.shape[1]
    gaps = {"LN = GN(G=1)": float(np.max(np.abs(normalize(x, "layer", eps=eps) -
                                                 normalize(x, "group", groups=1, eps=eps))))}
    if set_size(x.shape, "instance") > 1:
        gaps[f"IN = GN(G=C={c})"] = float(np.max(np.abs(normalize(x, "instance", eps=eps) -
                                                         normalize(x, "group", groups=c, eps=eps))))
    return gaps


def cell_rows(x: np.ndarray, index: tuple[int, ...], groups: int, eps: float,
              kinds: Sequence[str] = CUBE_KINDS) -> list[dict]:
    """For one cell: per method, the size of its set, the set's mean and variance, x and the normalized y."""
    rows = []
    for kind in kinds:
        mask = shared_stats_mask(x.shape, kind, index, groups)
        vals = x[mask]
        mean, var = float(vals.mean()), float(vals.var())
        rows.append({"method": NORMALIZATIONS[kind].title, "values in its set": int(mask.sum()), "set mean": mean,
                     "set variance": var, "x": float(x[index]),
                     "y (normalized)": (float(x[index]) - mean) / np.sqrt(var + eps)})
    return rows


def token_moments(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and root mean square over C of each token of a sequence (N, L, C): two (N, L) arrays."""
    return y.mean(axis=-1), np.sqrt(np.mean(np.square(y), axis=-1))


@dataclass(frozen=True)
class BatchOfOne:
    """Eval with running statistics vs 'eval' with the statistics of a batch of one sample."""

    y_running: np.ndarray  # (1, C, H, W) normalized with running statistics (what eval mode does)
    y_batch: np.ndarray  # (1, C, H, W) normalized with its own statistics: per-channel over H*W only
    gap: float  # max |y_batch - y_running|
    channel_means_running: np.ndarray  # (C,) each channel's mean after eval-mode BN (information kept)
    channel_means_batch: np.ndarray  # (C,) ... after batch-of-one statistics: all 0 (information erased)

    @property
    def largest_mean_batch(self) -> float:
        """max |channel mean| after batch-of-one BN: ~0, every channel's offset erased."""
        return float(np.max(np.abs(self.channel_means_batch)))

    @property
    def largest_mean_running(self) -> float:
        """max |channel mean| after eval-mode BN: the image keeps its own offsets."""
        return float(np.max(np.abs(self.channel_means_running)))


def batch_of_one(batches: Sequence[np.ndarray], sample: np.ndarray, momentum: float = 0.1,
                 eps: float = 1e-5) -> BatchOfOne:
    """What goes wrong when eval uses the statistics of a batch of one: BN silently becomes InstanceNorm."""
    run = torch_running(batches, momentum)
    y_run = batch_norm_eval(sample, run.mean[-1], run.var[-1], eps)
    y_b = normalize(sample, "batch", eps=eps)
    axes = (0, 2, 3) if sample.ndim == 4 else (0,)
    return BatchOfOne(y_run, y_b, float(np.max(np.abs(y_b - y_run))), y_run.mean(axis=axes), y_b.mean(axis=axes))


def algorithm_rows(fwd: BNForward, grads: BNGrads, dy: np.ndarray, channel: int) -> list[dict]:
    """Algorithm 1 on one channel of a batch (m, C), one row per sample: x, x - mu, x-hat, y, dL/dy and dL/dx."""
    j = channel
    return [{"x_i": float(fwd.x[i, j]), "x_i − μ_B": float(fwd.x[i, j] - fwd.mu[j]), "x̂_i": float(fwd.xhat[i, j]),
             "y_i": float(fwd.y[i, j]), "dL/dy_i (given)": float(dy[i, j]),
             "dL/dx_i (formulas below)": float(grads.dx[i, j])} for i in range(fwd.x.shape[0])]


@dataclass(frozen=True)
class TokenNorms:
    """LayerNorm and RMSNorm of tokens (N, L, C), and each token's mean and RMS over C before and after."""

    moments: dict[str, tuple[np.ndarray, np.ndarray]]  # "x", "LayerNorm", "RMSNorm" -> (N, L) means, (N, L) RMS
    gap: float  # max |LayerNorm(x) - RMSNorm(x)|
    rms_offset: float  # largest |token mean| after RMSNorm: it rescales each token but keeps its offset


def token_norms(x: np.ndarray, eps: float) -> TokenNorms:
    """LayerNorm and RMSNorm applied to the tokens x (N, L, C), compared token by token."""
    ln, rms = normalize(x, "layer", eps=eps), normalize(x, "rms", eps=eps)
    moments = {"x": token_moments(x), "LayerNorm": token_moments(ln), "RMSNorm": token_moments(rms)}
    return TokenNorms(moments, float(np.max(np.abs(ln - rms))), float(np.max(np.abs(moments["RMSNorm"][0]))))


@dataclass(frozen=True)
class RunningReport:
    """One stream of training batches under torch's and Keras's running statistics, and the paper's population."""

    torch: RunningStats  # (T+1, C) rows, unbiased variance
    keras: RunningStats  # (T+1, C) rows, biased variance
    mean: np.ndarray  # (C,) population mean: mean of the batch means
    var: np.ndarray  # (C,) population variance: m/(m-1) times the mean of the batch variances
    batch_means: np.ndarray  # (T, C) each batch's own channel means
    m: int  # values per channel in one batch (N·H·W): the unbiased variance multiplies by m/(m-1)


def running_report(batches: Sequence[np.ndarray], momentum: float, keras_momentum: float) -> RunningReport:
    """torch's (momentum weighs the new batch) and Keras's (momentum weighs the old value) running statistics."""
    mean, var = population_stats(batches)
    return RunningReport(torch_running(batches, momentum), keras_running(batches, keras_momentum), mean, var,
                         np.array([batch_moments(b)[0] for b in batches]), batch_moments(batches[0])[2])
