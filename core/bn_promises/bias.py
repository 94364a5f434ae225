"""The redundant bias: with batch norm right after a linear layer, that layer's bias does nothing.

BN subtracts the batch mean of each unit: BN(Wu + b) = γ (Wu + b - mean(Wu + b)) / σ + β = BN(Wu), since the
mean of Wu + b is mean(Wu) + b. So b cancels in the forward pass, and its gradient, the sum over the batch of BN's
input gradient ∂L/∂z_i, is zero: that gradient is (γ/σ)(g_i - mean(g) - x̂_i mean(g x̂)) and sums to
(γ/σ)(0 - mean(g x̂) Σ x̂_i) = 0 because the x̂_i have mean zero (Ioffe & Szegedy, 2015, Sec. 3.2: "the bias b
can be ignored since its effect will be canceled by the subsequent mean subtraction; the role of the bias is
subsumed by β").

Two float64 twins, identical but for the hidden layers' linear bias (drawn as torch's ``nn.Linear`` draws it,
U(-1/sqrt(fan_in), 1/sqrt(fan_in))), train on the same batches, by default with plain SGD: with a zero gradient
and no weight decay the bias never moves. Whatever moves it (weight decay shrinks it, Adam divides its rounding
noise by eps), it still cancels, so in training mode the twins compute the same function to rounding, step after
step. Only BN's running mean, used in eval mode, carries the bias: it starts at 0 and learns mean(Wu) + b at rate
0.1 per step, so eval-mode outputs differ by a term shrinking as 0.9^t.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from core.bn_promises.common import TICK_STEPS, Setup, Stop, batch_order, data, ticker
from core.networks import Net, build
from core.optim.registry import OPTIMIZERS

__all__ = ["BIAS_SETUP", "EPS64", "BiasConfig", "BiasResult", "bias_redundancy", "twin_nets", "units"]

BIAS_SETUP = Setup(steps=300)  # the BN paper's MNIST setting in miniature: 3x100 sigmoid, SGD lr 0.5, batch 60
EPS64 = float(np.finfo(np.float64).eps)  # 2.2e-16
STEP_OVERHEAD = 4e6  # cost units per net-layer-step beyond its multiply-adds (core.train_cost's value)


@dataclass(frozen=True)
class BiasConfig:
    """The base setting, the optimizer (a key of ``OPTIMIZERS``, with its defaults but ``lr``) and how often the
    twins are compared in eval mode."""

    setup: Setup = BIAS_SETUP
    optimizer: str = "sgd"  # plain SGD: no momentum, so a zero gradient leaves the bias exactly where it is
    weight_decay: float = 0.0
    every: int = 10  # steps between two eval-mode comparisons on the held-out rows

    def validate(self) -> None:
        """ValueError with a student-readable sentence for any unusable setting."""
        self.setup.validate()
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"Unknown optimizer {self.optimizer!r}; choose one of {', '.join(OPTIMIZERS)}.")
        if not 0.0 <= self.weight_decay <= 1.0:
            raise ValueError(f"Weight decay must be between 0 and 1, got {self.weight_decay}.")
        if not 1 <= self.every <= self.setup.steps:
            raise ValueError(f"Compare every 1 to {self.setup.steps} steps, got {self.every}.")


@dataclass(frozen=True)
class BiasResult:
    """Per-step records (steps_done,) of the twins on each step's batch, before that step's update."""

    config: BiasConfig
    loss_with: np.ndarray  # mean cross-entropy of the net with the linear bias
    loss_without: np.ndarray
    output_diff: np.ndarray  # max |logits_with - logits_without| over the batch (train mode: batch statistics)
    bias_grad: np.ndarray  # max |∂L/∂b| over every hidden layer's bias
    grad_terms: np.ndarray  # max over hidden units of Σ_i |∂L/∂z_i|: the size of the terms whose sum is ∂L/∂b
    eval_step: np.ndarray  # (k,) steps at which the twins were compared in eval mode
    eval_diff: np.ndarray  # (k,) max |logits_with - logits_without| on the held-out rows, running statistics
    bias_moved: float  # max |b_final - b_initial|
    beta_diff: float  # max |β_with - β_without| at the end
    diverged_at: int | None  # 1-based step whose loss was not finite (both twins stop there)
    steps_done: int

    @property
    def complete(self) -> bool:
        """Whether the run ended as planned: every step trained, or the twins diverged (a finished answer too)."""
        return self.steps_done == self.config.setup.steps or self.diverged_at is not None

    @property
    def tolerance(self) -> np.ndarray:
        """(steps_done,) the rounding a float64 sum of n = batch_size terms may carry: n · eps · Σ|terms|
        (Higham's bound for recursive summation); a bias gradient below it is zero to rounding."""
        return self.config.setup.batch_size * EPS64 * self.grad_terms

    @property
    def loss_diff(self) -> np.ndarray:
        """(steps_done,) |loss_with - loss_without|."""
        return np.abs(self.loss_with - self.loss_without)


def twin_nets(cfg: BiasConfig) -> tuple[Net, Net]:
    """(with bias, without bias): float64 nets with BN before the activation and the same weights; the first also
    has a bias in every hidden linear layer, drawn like torch's ``nn.Linear``."""
    s = cfg.setup
    d = data(s.dataset, s.seed)
    without = build(s.spec(d, "batch"), s.seed).double()  # placement "before": core.networks drops the bias
    with_bias = copy.deepcopy(without)
    g = torch.Generator().manual_seed(int(s.seed) + 104_729)  # a stream apart from the weights'
    for block in with_bias.blocks:
        old = block.linear
        new = nn.Linear(old.in_features, old.out_features, bias=True, dtype=torch.float64)
        bound = 1.0 / math.sqrt(old.in_features)
        with torch.no_grad():
            new.weight.copy_(old.weight)
            new.bias.uniform_(-bound, bound, generator=g)
        block.linear = new
    return with_bias, without


def _capture(net: Net) -> list[torch.Tensor]:
    """Keep each hidden linear output z (its .grad filled by backward): a list refilled by every forward pass."""
    seen: list[torch.Tensor] = []

    def hook(module, inputs, out):
        if out.requires_grad:
            out.retain_grad()
            seen.append(out)
    for block in net.blocks:
        block.linear.register_forward_hook(hook)
    return seen


@torch.no_grad()
def _eval_diff(a: Net, b: Net, x: torch.Tensor) -> float:
    a.train(False)
    b.train(False)
    try:
        return float((a(x) - b(x)).abs().max())
    finally:
        a.train(True)
        b.train(True)


def bias_redundancy(cfg: BiasConfig = BiasConfig(), tick: Callable[[float, str], None] | None = None,
                    stop_at: float | None = None) -> BiasResult:
    """Train the twins of ``twin_nets`` with ``cfg.optimizer`` (plain SGD by default) on the same batches; per
    step both losses, their outputs' largest difference, the largest bias gradient and the size of the terms it
    sums; every ``every`` steps the eval-mode difference on the held-out rows.

    ``tick(fraction, text)`` every ``TICK_STEPS`` steps may raise to cancel; before ``time.monotonic()`` passes
    ``stop_at`` it stops with the steps so far (``result.complete`` False). A non-finite loss ends both runs
    (``diverged_at``), never raises.
    """
    cfg.validate()
    s = cfg.setup
    d = data(s.dataset, s.seed)
    x, y, xt = d.x_train.double(), d.y_train, d.x_test.double()
    with_bias, without = twin_nets(cfg)
    biases0 = [blk.linear.bias.detach().clone() for blk in with_bias.blocks]
    opts = [OPTIMIZERS[cfg.optimizer].make_torch(n.parameters(), lr=s.lr, weight_decay=cfg.weight_decay)
            for n in (with_bias, without)]
    zs = _capture(with_bias)
    order = torch.from_numpy(batch_order(len(x), s.batch_size, s.steps, s.seed))
    step_tick = ticker(tick, stop_at, s.steps, "with and without the bias")
    rows, evals, diverged, done = [], [], None, 0
    try:
        for done in range(s.steps):
            if done % TICK_STEPS == 0:
                step_tick(done)
            if done % cfg.every == 0:
                evals.append((done, _eval_diff(with_bias, without, xt)))
            xb, yb = x[order[done]], y[order[done]]
            zs.clear()
            out_w, out_o = with_bias(xb), without(xb)
            loss_w, loss_o = F.cross_entropy(out_w, yb), F.cross_entropy(out_o, yb)
            if not (torch.isfinite(loss_w) and torch.isfinite(loss_o)):
                diverged = done + 1
                break
            for opt in opts:
                opt.zero_grad(set_to_none=True)
            (loss_w + loss_o).backward()  # the twins share no parameter: each gets its own gradient
            grad = max(float(blk.linear.bias.grad.abs().max()) for blk in with_bias.blocks)
            terms = max(float(z.grad.abs().sum(0).max()) for z in zs)
            rows.append((loss_w.item(), loss_o.item(), float((out_w - out_o).detach().abs().max()), grad, terms))
            for opt in opts:
                opt.step()
        else:
            done = s.steps
            evals.append((done, _eval_diff(with_bias, without, xt)))
    except Stop:
        pass
    rec = np.array(rows, dtype=np.float64).reshape(-1, 5).T.copy()
    ev = np.array(evals, dtype=np.float64).reshape(-1, 2).T
    moved = max(float((blk.linear.bias.detach() - b0).abs().max()) for blk, b0 in zip(with_bias.blocks, biases0,
                                                                                       strict=True))
    beta = max(float((a.norm.bias - b.norm.bias).detach().abs().max()) for a, b in zip(with_bias.blocks, without.blocks,
                                                                              strict=True))
    return BiasResult(cfg, *rec, ev[0].astype(int), ev[1].copy(), moved, beta, diverged, len(rows))


def units(cfg: BiasConfig, n_features: int = 64, n_classes: int = 10, n_test: int = 450) -> float:
    """Cost units of ``bias_redundancy(cfg)``: two float64 nets' steps (backward ~ twice the forward, float64
    ~ twice float32's cost) and their eval-mode comparisons."""
    s = cfg.setup
    fwd = n_features * s.width + (s.depth - 1) * s.width ** 2 + s.width * n_classes
    step = 2 * 3 * s.batch_size * fwd + STEP_OVERHEAD * (s.depth + 1) * 1.5  # hooks and retained grads
    measure = 2 * n_test * fwd + 2 * STEP_OVERHEAD * (s.depth + 1) / 3
    return 2 * (s.steps * step + (s.steps // cfg.every + 1) * measure)
