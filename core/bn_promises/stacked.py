"""Many MLPs of one shape trained at once: their weights stacked on a leading axis, one batched matmul per layer.

The nets are built by ``core.networks.build`` (so they are exactly the nets the rest of normlab trains) and copied
into stacked tensors: layer weights (N, fan_in, width), biases and batch-norm scales (N, 1, width). Each net has
its own learning rate; every net sees the same mini-batch. One step of the stack is, net by net, one step of
``torch.optim.SGD`` on that net's mean cross-entropy (``tests/core/test_bn_promises_lr_init.py`` checks it against
the nets trained one by one), at the cost of a few batched ops instead of N small ones: on the digits the promises'
20 and 36 3x100 nets train about 2x faster than a loop over them (bench/bench_promises.py).

A net whose loss stops being finite is frozen at its last finite weights and marked ``diverged_at`` (the 1-based
step); the others go on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import torch
import torch.nn.functional as F

from core.bn_promises.common import EVALUATIONS, TICK_STEPS, Data, Setup, Stop, accuracy, batch_order, ticker
from core.networks import ACTIVATIONS, Net

MOMENTUM, EPS = 0.1, 1e-5  # torch.nn.BatchNorm1d's defaults, which core.networks uses


class Stack:
    """N nets of one architecture (MLP, norm "none" or "batch" before the activation), trained with SGD."""

    def __init__(self, nets: Sequence[Net], lrs: Sequence[float]):
        specs = {replace(n.spec, init="-") for n in nets}
        spec = nets[0].spec
        if len(specs) != 1 or spec.arch != "mlp" or spec.norm not in ("none", "batch") or spec.placement != "before" \
                or spec.residual or spec.dropout:
            raise ValueError("A stack holds MLPs that differ only in their initialization, with no norm or with "
                             "batch norm before the activation, no dropout and no skips.")
        if len(lrs) != len(nets):
            raise ValueError(f"One learning rate per net: {len(nets)} nets, {len(lrs)} rates.")
        self.bn = spec.norm == "batch"
        self.act = ACTIVATIONS[spec.activation]()
        with torch.no_grad():
            def stacked(get):
                return torch.stack([get(n).detach().clone() for n in nets]).requires_grad_(True)
            self.weights = [stacked(lambda n, i=i: n.blocks[i].linear.weight.T) for i in range(spec.depth)]
            self.weights.append(stacked(lambda n: n.head.weight.T))
            self.head_bias = stacked(lambda n: n.head.bias[None])
            if self.bn:  # the linear bias is dropped (the norm would cancel it); gamma and beta shift and scale
                self.biases = [stacked(lambda n, i=i: n.blocks[i].norm.bias[None]) for i in range(spec.depth)]
                self.gammas = [stacked(lambda n, i=i: n.blocks[i].norm.weight[None]) for i in range(spec.depth)]
                # Each net's running statistics side by side, as F.batch_norm sees the stacked units.
                self.running = [tuple(torch.cat([getattr(n.blocks[i].norm, f"running_{m}").clone() for n in nets])
                                      for m in ("mean", "var")) for i in range(spec.depth)]
            else:
                self.biases = [stacked(lambda n, i=i: n.blocks[i].linear.bias[None]) for i in range(spec.depth)]
                self.gammas, self.running = [], []
        self.params = [*self.weights, self.head_bias, *self.biases, *self.gammas]
        self.lrs = torch.tensor([float(r) for r in lrs], dtype=self.weights[0].dtype)[:, None, None]
        self.alive = torch.ones(len(nets), dtype=torch.bool)
        self.diverged_at: list[int | None] = [None] * len(nets)
        self.steps = 0

    def __len__(self) -> int:
        return len(self.alive)

    def forward(self, x: torch.Tensor, train: bool) -> torch.Tensor:
        """Logits (N, n, classes) of every net on x (n, d); batch norm uses the batch (train) or running statistics."""
        h = x
        for i in range(len(self.biases)):
            z = torch.matmul(h, self.weights[i])  # (N, n, width); the first layer broadcasts x to every net
            if self.bn:  # every net's units side by side as channels: torch's own batch norm, one fused call
                k, n, w = z.shape
                mean_run, var_run = self.running[i]
                flat = F.batch_norm(z.transpose(0, 1).reshape(n, k * w), mean_run, var_run,
                                    self.gammas[i].reshape(-1), self.biases[i].reshape(-1), train, MOMENTUM, EPS)
                z = flat.reshape(n, k, w).transpose(0, 1)
            else:
                z = z + self.biases[i]
            h = self.act(z)
        return torch.matmul(h, self.weights[-1]) + self.head_bias

    def step(self, x: torch.Tensor, y: torch.Tensor) -> np.ndarray:
        """One SGD step of every live net on the batch x (n, d), y (n,); returns the losses (N,) (nan once diverged)."""
        logits = self.forward(x, train=True)
        n, c = logits.shape[0], logits.shape[-1]
        losses = F.cross_entropy(logits.reshape(-1, c), y.repeat(n), reduction="none").reshape(n, -1).mean(1)
        self.steps += 1
        bad = self.alive & ~torch.isfinite(losses.detach())
        for k in torch.nonzero(bad).flatten().tolist():
            self.diverged_at[k] = self.steps
        self.alive &= ~bad
        # Nets share no parameter, so the gradient of the sum is each net's own gradient; a frozen net's slice
        # may hold nan, which the masked update never writes.
        total = torch.where(self.alive, losses, torch.zeros_like(losses)).sum()
        grads = torch.autograd.grad(total, self.params, allow_unused=False)
        live = self.alive[:, None, None]
        with torch.no_grad():
            for p, g in zip(self.params, grads, strict=True):
                p.sub_(torch.where(live, self.lrs * g, torch.zeros_like(g)))
        out = losses.detach().double().numpy()
        out[~self.alive.numpy()] = np.nan
        return out

    @torch.no_grad()
    def accuracy(self, x: torch.Tensor, y: torch.Tensor) -> np.ndarray:
        """Held-out accuracy (N,) in eval mode (running statistics); nan for a diverged net."""
        acc = accuracy(self.forward(x, train=False), y).numpy().copy()
        acc[~self.alive.numpy()] = np.nan
        return acc


def train(stacks: Sequence[Stack], d: Data, setup: Setup, tick=None, stop_at: float | None = None,
          text: str = "training", publish=None, evaluations: int = EVALUATIONS) -> int:
    """Train every stack in lockstep on ``setup``'s batches of ``d`` (a ``common.Data``) for ``setup.steps`` steps.

    ``tick(fraction, text)`` every ``TICK_STEPS`` steps (it may raise to cancel); stops before ``stop_at`` (a
    ``time.monotonic()`` deadline); ``publish(step)`` after steps 0, ..., at ``evaluations`` evenly spaced steps
    (a live view reads the stacks' accuracies then). Returns the steps done (fewer than ``setup.steps`` if stopped).
    """
    order = torch.from_numpy(batch_order(len(d.x_train), setup.batch_size, setup.steps, setup.seed))
    step_tick = ticker(tick, stop_at, setup.steps, text)
    marks = set(np.linspace(0, setup.steps, evaluations + 1).round().astype(int).tolist()) if publish else set()
    done = 0
    try:
        for done in range(setup.steps):
            if done in marks:
                publish(done)
            if done % TICK_STEPS == 0:
                step_tick(done)
            x, y = d.x_train[order[done]], d.y_train[order[done]]
            for s in stacks:
                s.step(x, y)
        done = setup.steps
    except Stop:
        pass
    return done


@dataclass(frozen=True)
class Cost:
    """What a stacked experiment costs on a free core, in CPU seconds (measured by ``timing``)."""

    build_s: float  # building the nets and their stacks
    step_s: float  # one training step of every stack
    eval_s: float  # one held-out evaluation of every stack

    def seconds(self, steps: int) -> float:
        """The whole experiment at ``steps`` steps: the nets, the steps, and its evaluations (the live states,
        the untrained start and the result)."""
        return self.build_s + steps * self.step_s + (EVALUATIONS + 2) * self.eval_s


def timing(make: Callable[[], Sequence[Stack]], d: Data, setup: Setup, steps: int = 10) -> Cost:
    """The ``Cost`` of the stacks ``make()`` builds, in CPU time of this thread (the work's own cost, whatever else
    the machine runs), from ``steps`` steps on ``setup``'s first batches after a warm-up step."""
    t0 = time.thread_time()
    stacks = make()
    build_s = time.thread_time() - t0
    order = torch.from_numpy(batch_order(len(d.x_train), setup.batch_size, steps + 1, setup.seed))
    for s in stacks:  # warm-up: first calls allocate
        s.step(d.x_train[order[0]], d.y_train[order[0]])
    t0 = time.thread_time()
    for k in range(1, steps + 1):
        for s in stacks:
            s.step(d.x_train[order[k]], d.y_train[order[k]])
    t1 = time.thread_time()
    for s in stacks:
        s.accuracy(d.x_test, d.y_test)
    return Cost(build_s, (t1 - t0) / steps, time.thread_time() - t1)
