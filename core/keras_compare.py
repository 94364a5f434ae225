"""The same k training batches (N, C) through three BatchNorms, and the per-feature mean and std of their outputs.

- Ioffe & Szegedy (2015): Algorithm 1 normalizes training batch k with its own mean and biased variance,
  ``(x - mu_B) / sqrt(sigma_B^2 + eps)``; Algorithm 2 (inference) uses ``E[x]`` = the average of the k batch means
  and ``Var[x] = m/(m-1) * `` the average of the k batch variances (m = N values per feature).
- ``torch.nn.BatchNorm1d`` in float64: train mode on batch k, eval mode (running mean / unbiased running var,
  updated with momentum ``1 - keras_momentum`` so both running means move alike) on a held-out batch.
- ``core.keras_bn.KerasV1BatchNorm``: mode 0 on batch k in training (normalized with the running values left by
  batches 1..k-1) and in test mode on the held-out batch; mode 1 on both (no running statistics).

Every output is kept before the affine step (``normed``: gamma = 1, beta = 0) and after each layer's own initial
gamma and beta (``out``: ones and zeros for the paper and torch, U(-0.05, 0.05) and zeros for Keras).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from core.feature_maps import FEATURE_MAPS, batch_stream
from core.keras_bn import KerasV1BatchNorm
from core.normalization import check_eps
from core.running_stats import population_stats

HELD_DRAW = 1000  # the held-out batch's draw: past every training draw (batch_stream allows at most 500)
FAMILIES = ("paper", "torch", "Keras mode 0", "Keras mode 1")
PHASES = ("train", "eval")
TITLES = {("paper", "train"): "Algorithm 1", ("paper", "eval"): "Algorithm 2",
          ("torch", "train"): "torch train", ("torch", "eval"): "torch eval",
          ("Keras mode 0", "train"): "Keras mode 0 train", ("Keras mode 0", "eval"): "Keras mode 0 test",
          ("Keras mode 1", "train"): "Keras mode 1 train", ("Keras mode 1", "eval"): "Keras mode 1 test"}


@dataclass(frozen=True)
class Output:
    """One implementation's output (N, C) in one phase: ``train`` on batch k, ``eval`` on the held-out batch."""

    family: str
    phase: str
    normed: np.ndarray  # before gamma and beta
    out: np.ndarray  # with the layer's initial gamma and beta

    @property
    def title(self) -> str:
        """e.g. "Algorithm 1", "torch eval", "Keras mode 0 train"."""
        return TITLES[self.family, self.phase]

    def mean(self, affine: bool = False) -> np.ndarray:
        """Per-feature mean (C,) over the N samples."""
        return (self.out if affine else self.normed).mean(axis=0)

    def std(self, affine: bool = False) -> np.ndarray:
        """Per-feature std (C,) over the N samples (biased: divides by N, as BatchNorm's own statistics)."""
        return (self.out if affine else self.normed).std(axis=0)


@dataclass(frozen=True)
class KerasComparison:
    """Eight outputs (4 families x train/eval) after k batches, and the statistics behind them (each (C,))."""

    k: int
    momentum: float  # Keras's: the weight of the OLD value; torch ran with 1 - momentum
    eps: float  # the paper's and torch's
    keras_eps: float
    outputs: tuple[Output, ...]
    population_mean: np.ndarray  # Algorithm 2's E[x]
    population_var: np.ndarray  # Algorithm 2's Var[x], unbiased
    torch_mean: np.ndarray  # running_mean after k batches
    torch_var: np.ndarray  # running_var after k batches (fed the unbiased batch variance)
    keras_mean: np.ndarray  # running_mean after k batches
    keras_std: np.ndarray  # running_std after k batches
    gamma: np.ndarray  # Keras's initial gamma (beta is zeros)
    eps_once: np.ndarray  # mode 0's test output with eps only inside the root: (x - running_mean) / running_std

    def output(self, family: str, phase: str) -> Output:
        """The output of ``family`` (one of FAMILIES) in ``phase`` ("train" or "eval")."""
        return next(o for o in self.outputs if (o.family, o.phase) == (family, phase))


def _features(batches: Sequence, held) -> tuple[list[np.ndarray], np.ndarray]:
    xs = [np.asarray(b, dtype=np.float64) for b in batches]
    held = np.asarray(held, dtype=np.float64)
    if not xs:
        raise ValueError("The comparison needs at least one training batch (k >= 1).")
    shapes = {x.shape for x in xs} | {held.shape}
    if len(shapes) != 1 or held.ndim != 2:
        raise ValueError(f"Every batch, the held-out one included, must be (N, C) of one shape; got {sorted(shapes)}.")
    if held.shape[0] < 2:
        raise ValueError("BatchNorm needs N >= 2 samples per batch: with N = 1 a feature has no variance, torch "
                         "refuses to train and Algorithm 2's m/(m-1) divides by zero.")
    return xs, held


def paper_bn(batches: Sequence, held, eps: float = 1e-5) -> tuple[np.ndarray, np.ndarray]:
    """Algorithm 1 on the last batch and Algorithm 2 on ``held`` (both (N, C), gamma = 1, beta = 0)."""
    xs, held = _features(batches, held)
    eps = check_eps(eps)
    last = xs[-1]
    train = (last - last.mean(axis=0)) / np.sqrt(last.var(axis=0) + eps)  # sigma_B^2: the biased variance
    mean, var = population_stats(xs)  # E[x] = E_B[mu_B], Var[x] = m/(m-1) E_B[sigma_B^2]
    return train, (held - mean) / np.sqrt(var + eps)


def torch_bn(batches: Sequence, held, momentum: float = 0.1, eps: float = 1e-5) -> tuple[np.ndarray, ...]:
    """torch.nn.BatchNorm1d (float64, torch's ``momentum`` = weight of the new batch): train output on the last
    batch, eval output on ``held`` (both (N, C)), running_mean and running_var (C,) after every batch."""
    xs, held = _features(batches, held)
    bn = torch.nn.BatchNorm1d(held.shape[1], eps=check_eps(eps), momentum=float(momentum), dtype=torch.float64)
    with torch.no_grad():
        for x in xs:
            train = bn(torch.from_numpy(x))
        test = bn.eval()(torch.from_numpy(held))
    return train.numpy(), test.numpy(), bn.running_mean.numpy().copy(), bn.running_var.numpy().copy()


def keras_bn(batches: Sequence, held, mode: int, momentum: float = 0.9, epsilon: float = 1e-6,
             seed: int = 0) -> tuple[KerasV1BatchNorm, Output]:
    """The Keras layer trained on every batch; returns the layer and its train Output on the last batch."""
    xs, _ = _features(batches, held)
    layer = KerasV1BatchNorm(xs[0].shape[1], mode=mode, epsilon=epsilon, momentum=momentum, seed=seed)
    for x in xs:
        out = layer(x, training=True)
    return layer, Output(f"Keras mode {mode}", "train", layer.last_normed, out)


def compare(batches: Sequence, held, momentum: float = 0.9, eps: float = 1e-5, keras_eps: float = 1e-6,
            seed: int = 0) -> KerasComparison:
    """The k = len(batches) training batches (N, C) through the paper, torch and Keras (modes 0 and 1)."""
    xs, held = _features(batches, held)
    outputs = []
    a1, a2 = paper_bn(xs, held, eps)
    t_train, t_eval, t_mean, t_var = torch_bn(xs, held, 1.0 - momentum, eps)
    for family, train, test in (("paper", a1, a2), ("torch", t_train, t_eval)):
        outputs += [Output(family, "train", train, train), Output(family, "eval", test, test)]  # gamma 1, beta 0
    layers = {}
    for mode in (0, 1):
        layers[mode], trained = keras_bn(xs, held, mode, momentum, keras_eps, seed)
        test = layers[mode](held, training=False)
        outputs += [trained, Output(trained.family, "eval", layers[mode].last_normed, test)]
    k0 = layers[0]
    return KerasComparison(len(xs), float(momentum), float(eps), float(keras_eps), tuple(outputs),
                           *population_stats(xs), t_mean, t_var, k0.running_mean, k0.running_std, k0.gamma,
                           (held - k0.running_mean) / k0.running_std)


def feature_batches(source: str, k: int, n: int, c: int, seed: int = 0) -> tuple[list[np.ndarray], np.ndarray]:
    """k training batches (N, C) of feature vectors from ``source`` ("digits" or "synthetic"), and one held-out
    batch from the same distribution (a draw no training batch uses)."""
    train = [b[:, :, 0, 0] for b in batch_stream(source, k, n, c, 1, 1, seed)]
    return train, FEATURE_MAPS[source](n, c, 1, 1, seed, draw=HELD_DRAW).x[:, :, 0, 0]
