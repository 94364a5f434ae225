"""Batch norm with a moving distribution: does "internal covariate shift" hurt? (Santurkar et al. 2018, Sec. 2.1)

Ioffe & Szegedy (2015) credit batch norm with fixing the distribution of each layer's inputs. Santurkar, Tsipras,
Ilyas & Madry (NeurIPS 2018, Sec. 2.1, Fig. 2) test that: a third network has batch norm followed by injected
noise of non-zero mean and non-unit variance that changes at every step, so its layers' inputs move more than a
plain net's, yet it trains about as well as batch norm.

The noise here (``StepNoise``): after each batch-norm layer, every unit j gets a shift m_j ~ U(−n_m, n_m) and a
scale s_j ~ U(1, n_s), drawn afresh at every training step from a seeded generator, and every example's value
becomes s_j · a + m_j. The unit's distribution thus jumps to a new mean and spread each step (the "shift"); at
test time every unit gets the noise's expectation, E[s] · a + E[m] = (1 + n_s)/2 · a, as dropout's test pass uses
its expectation (evaluated without any scale, the net scored up to 15 points lower on some seeds: its next layer
never saw scale 1 in training). Three twins (plain, BN, noisy BN) start from the same weights and see
the same batches. At each record step the pre-activations (the nonlinearity's input, noise included, on the
training batch) give per-unit 15th/50th/85th percentiles per layer, the BN paper's Figure 1(b, c).

Drift: drift(t) = mean over layers, units and the three percentiles of |P(t) − P(0)|, the distance the
percentiles moved since step 0; a net's drift is the mean of drift(t) over the recorded steps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from core.activation_capture import activation_taps, unit_percentiles
from core.bn_twins import Batches, NetSettings, Pacer, split_of, twins
from core.net_recorder import accuracy
from core.networks import Net
from core.optim.registry import OPTIMIZERS

NETS = ("plain", "batch", "noisy")
QUANTILES = (0.15, 0.5, 0.85)
MAX_STEPS = 3000
NOISE_SEED = 7919  # added to the seed: the noise's own generator, apart from the weights' and the batches'


class StepNoise(nn.Module):
    """s · a + m per unit, (m, s) (width,) redrawn by ``redraw()``: m ~ U(−mean, mean), s ~ U(1, scale)."""

    def __init__(self, width: int, mean: float, scale: float, generator: torch.Generator):
        super().__init__()
        self.mean, self.scale_max, self.generator = float(mean), float(scale), generator
        self.shift, self.scale = torch.zeros(width), torch.ones(width)

    def redraw(self) -> None:
        """New shift and scale for every unit (one training step's noise)."""
        w = len(self.shift)
        self.shift = (2 * torch.rand(w, generator=self.generator) - 1) * self.mean
        self.scale = 1 + torch.rand(w, generator=self.generator) * (self.scale_max - 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training:
            return x * self.scale + self.shift
        # Test time: the noise's expectation, E[s] · a + E[m] (as dropout's test pass), so the next layer sees
        # the scale it saw on average in training; identity when the noise is off (n_s = 1).
        return x * ((1.0 + self.scale_max) / 2)


def add_noise(net: Net, mean: float, scale: float, generator: torch.Generator) -> list[StepNoise]:
    """Put a StepNoise after every block's norm of ``net`` (in place); returns them in layer order."""
    noises = []
    for block in net.blocks:
        noise = StepNoise(net.spec.width, mean, scale, generator)
        block.norm = nn.Sequential(block.norm, noise)
        noises.append(noise)
    return noises


@dataclass(frozen=True)
class NoisyConfig:
    """The three twins' training and the noise (n_m = 0 and n_s = 1 switch it off)."""

    net: NetSettings = NetSettings()
    steps: int = 300
    record_every: int = 10
    noise_mean: float = 1.0  # n_m: shifts m ~ U(−n_m, n_m)
    noise_scale: float = 2.0  # n_s: scales s ~ U(1, n_s)

    def validate(self) -> None:
        """ValueError with one sentence for a setting that cannot run."""
        if not 1 <= self.steps <= MAX_STEPS:
            raise ValueError(f"Steps must be between 1 and {MAX_STEPS}, got {self.steps}.")
        if not 1 <= self.record_every <= self.steps:
            raise ValueError(f"The record interval must be between 1 and the {self.steps} steps, got "
                             f"{self.record_every}.")
        if not (0 <= self.noise_mean and 1 <= self.noise_scale):
            raise ValueError("The noise needs a mean range n_m >= 0 and a scale range n_s >= 1.")


@dataclass(frozen=True)
class NoisyResult:
    """Records at ``steps`` (T,); first axis of every array is the net, in NETS order."""

    config: NoisyConfig
    steps: np.ndarray  # (T,)
    loss: np.ndarray  # (3, T) mini-batch loss of the recorded step (noise included for the noisy net)
    accuracy: np.ndarray  # (3, T) held-out accuracy, eval mode (running statistics, the noise's expectation)
    percentiles: np.ndarray  # (3, T, layers, 3, units) per-unit 15/50/85th percentiles of the pre-activations
    diverged_at: tuple[int | None, ...]
    complete: bool = True

    @property
    def drift_curve(self) -> np.ndarray:
        """drift(t) (3, T): mean |P(t) − P(0)| over layers, units and percentiles."""
        return np.abs(self.percentiles - self.percentiles[:, :1]).mean(axis=(2, 3, 4))

    @property
    def drift(self) -> np.ndarray:
        """Each net's drift (3,): the mean of drift(t) over the recorded steps."""
        return np.nanmean(self.drift_curve, axis=1) if len(self.steps) else np.full(3, np.nan)

    def final_accuracy(self) -> np.ndarray:
        """Held-out accuracy (3,) at the last recorded step (nan where a net diverged)."""
        return self.accuracy[:, -1] if len(self.steps) else np.full(3, np.nan)


def noisy_bn(cfg: NoisyConfig = NoisyConfig(), *, tick: Callable[[float, str], None] | None = None,
             stop_at: float | None = None) -> NoisyResult:
    """Train plain, BN and noisy-BN twins in lockstep; record loss, accuracy and percentiles every record step.

    ``tick`` and ``stop_at`` as in ``core.smoothness.smoothness``: progress, cancel, and stop with what is done.
    """
    cfg.validate()
    s = cfg.net
    split = split_of(s)
    nets = twins(s, split, ("none", "batch", "batch"))
    noises = add_noise(nets[2], cfg.noise_mean, cfg.noise_scale, torch.Generator().manual_seed(s.seed + NOISE_SEED))
    opts = [OPTIMIZERS[s.optimizer].make_torch(n.parameters(), lr=s.lr) for n in nets]
    x_all, y_all = torch.from_numpy(split.x_train), torch.from_numpy(split.y_train)
    xt, yt = torch.from_numpy(split.x_test), torch.from_numpy(split.y_test)
    batches, pacer = Batches(len(x_all), s.batch_size, s.seed), Pacer(cfg.steps, tick, stop_at)
    shape = (s.depth, len(QUANTILES), s.width)
    rows: list[tuple[int, list, list, list]] = []
    diverged: list[int | None] = [None] * 3
    complete = True
    for step in range(cfg.steps):
        if pacer.stop(step):
            complete = False
            break
        idx, due = batches.next(), step % cfg.record_every == 0
        for noise in noises:  # drawn every step, whether or not it is recorded
            noise.redraw()
        loss, acc, pct = [np.nan] * 3, [np.nan] * 3, [np.full(shape, np.nan)] * 3
        for i, (net, opt) in enumerate(zip(nets, opts, strict=True)):
            if diverged[i] is not None:
                continue
            with activation_taps(net) as taps:
                value = F.cross_entropy(net(x_all[idx]), y_all[idx])
            if not torch.isfinite(value):
                diverged[i] = step + 1
                continue
            if due:
                loss[i], acc[i] = float(value.detach()), accuracy(net, xt, yt)
                pct[i] = np.stack([unit_percentiles(pre, QUANTILES) for pre, _ in taps])
            opt.zero_grad(set_to_none=True)
            value.backward()
            opt.step()
        if due:
            rows.append((step, loss, acc, pct))
    return NoisyResult(cfg, np.array([r[0] for r in rows], dtype=np.int64),
                       np.array([r[1] for r in rows]).reshape(-1, 3).T.copy(),
                       np.array([r[2] for r in rows]).reshape(-1, 3).T.copy(),
                       np.array([r[3] for r in rows]).reshape(-1, 3, *shape).swapaxes(0, 1).copy(),
                       tuple(diverged), complete)


EVAL_PASSES = 2.5  # a held-out evaluation (450 rows, forward only) in units of a training pass on 60 rows


def passes(cfg: NoisyConfig) -> float:
    """Forward+backward passes of one net on one batch that ``noisy_bn(cfg)`` costs (evaluations included)."""
    records = -(-cfg.steps // cfg.record_every)
    return 3.0 * cfg.steps + 3.0 * records * EVAL_PASSES
