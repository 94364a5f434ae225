"""Optimizers racing on a real network: one net on the digits, the same initial weights and the same mini-batches,
trained by several ``torch.optim`` rules at once (ConvNetJS's trainer demo, on our core).

>>> race = race_real(("sgd", "adam"), steps=200, seed=0)
>>> race.runs[1].losses.shape, race.weights.shape      # (steps,) mini-batch losses; (records, rules, P) weights
((200,), (9, 2, 27710))

All rules train in lockstep: their weights are stacked (rules, P) and one ``torch.func.vmap`` of
``functional_call`` over the real ``core.networks.Net`` gives every rule's loss on the shared batch in one forward
and backward. Each rule then steps with its real ``torch.optim`` class on its own row of the stack: the rows are
flat vectors, which every one of the 13 rules treats exactly as the separate tensors (they are element-wise, with
one step counter per tensor). Batch norm trains with batch statistics and updates each rule's running statistics;
test accuracy is measured in eval mode with them. A rule whose loss stops being finite stops there
(``diverged_at``); the others go on. ``resume=`` a shorter race of the same settings goes on from where it stopped
(``core.race_resume``): the result equals the race trained from scratch bit for bit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch.func import functional_call, vmap

from core.datasets import load
from core.loss_slice import flat_params
from core.networks import Net, NetSpec, build, copy_shared_weights
from core.optim.registry import OPTIMIZERS
from core.race_resume import RaceState, capture, check_resume, restore

__all__ = ["DEFAULT_LR", "ARCHS", "MAX_STEPS", "RealRun", "RealRace", "net_spec", "race_real"]

# A learning rate per rule that trains the 3 x 100 sigmoid MLP (batch 60) well: one notch of the 1-2-5 grid below
# the lowest mean loss of the last 50 of 500 steps in a search over 1e-4 .. 5 on the plain net (seed 0); Adadelta's
# best was the grid's end. tests/core/test_real_race.py checks that every default trains the BN net too.
DEFAULT_LR: dict[str, float] = {
    "sgd": 1.0, "momentum": 0.05, "nesterov": 0.1, "adagrad": 0.05, "adadelta": 2.0, "rmsprop": 0.002,
    "adam": 0.01, "adamw": 0.01, "amsgrad": 0.01, "adamax": 0.01, "nadam": 0.01, "radam": 0.02, "rprop": 0.01,
}
# The default 3 x 100 MLP is the BN paper's MNIST net (sigmoid, Xavier); the small CNN is 3 x 16 channels of 3x3
# convolutions with ReLU and He init (a sigmoid CNN behind global average pooling barely trains in a race's steps).
ARCHS = {"mlp": dict(depth=3, width=100, activation="sigmoid", init="xavier"),
         "cnn": dict(depth=3, width=16, activation="relu", init="he")}
MAX_STEPS, MAX_RULES = 3000, 13


@dataclass(frozen=True)
class RealRun:
    """One rule's race: losses (steps,) of the mini-batch of update k+1 (index k), NaN from ``diverged_at`` on;
    test loss and accuracy (E,) at ``RealRace.eval_steps`` in eval mode."""

    rule: str
    lr: float
    losses: np.ndarray
    test_loss: np.ndarray
    test_acc: np.ndarray
    diverged_at: int | None  # the update whose loss was not finite (1-based), None if it trained to the end

    @property
    def title(self) -> str:
        """The rule's display name."""
        return OPTIMIZERS[self.rule].title

    def smoothed(self, window: int = 20) -> np.ndarray:
        """(steps,) mean of the last ``window`` mini-batch losses at each step (fewer at the start; NaN after a
        divergence), the curve ConvNetJS's trainer demo draws."""
        v = np.asarray(self.losses, float)
        ok = np.isfinite(v)
        csum = np.concatenate([[0.0], np.cumsum(np.where(ok, v, 0.0))])
        k = np.arange(1, len(v) + 1)
        lo = np.maximum(k - window, 0)
        out = (csum[k] - csum[lo]) / (k - lo)
        return np.where(ok, out, np.nan)


@dataclass(frozen=True)
class RealRace:
    """Every rule's run, the recorded weights and the net they belong to."""

    spec: NetSpec
    runs: tuple[RealRun, ...]
    eval_steps: np.ndarray  # (E,) updates after which the test set was measured (0 = the shared start)
    record_steps: np.ndarray  # (K,) updates after which the weights were recorded
    weights: np.ndarray  # (K, R, P) float32 flat weights (``core.loss_slice.flat_params`` order); NaN once diverged
    buffers: tuple[dict, ...]  # per rule: its final buffers (BN running statistics), name -> tensor
    steps: int  # updates trained (fewer than asked when stopped early)
    complete: bool
    seed: int  # initial weights, data split and batch order
    state: RaceState | None = None  # where training stands: a longer race goes on from here (``resume``)

    def net(self, r: int) -> Net:
        """Rule r's final network (weights and buffers), in eval mode."""
        net = build(self.spec, 0)
        with torch.no_grad():
            torch.nn.utils.vector_to_parameters(torch.from_numpy(self.weights[-1, r].copy()), net.parameters())
            for name, b in net.named_buffers():
                b.copy_(self.buffers[r][name])
        return net.eval()


def net_spec(arch: str = "mlp", norm: str = "none") -> NetSpec:
    """The race's network on the digits: ``arch`` "mlp" or "cnn", ``norm`` "none" or "batch"."""
    if arch not in ARCHS:
        raise ValueError(f"Unknown architecture {arch!r}; choose one of {', '.join(ARCHS)}.")
    if norm not in ("none", "batch"):
        raise ValueError(f"The race trains a plain or a batch-norm net, not {norm!r}.")
    return NetSpec(64, 10, norm=norm, arch=arch, image_shape=(8, 8), **ARCHS[arch])


def _check(rules: Sequence[str], lrs: Sequence[float], steps: int, batch_size: int) -> None:
    if not 1 <= len(rules) <= MAX_RULES or len(set(rules)) != len(rules):
        raise ValueError(f"Choose between 1 and {MAX_RULES} different optimizers.")
    for r in rules:
        if r not in OPTIMIZERS:
            raise ValueError(f"Unknown optimizer {r!r}; choose one of {', '.join(OPTIMIZERS)}.")
    if len(lrs) != len(rules) or not all(np.isfinite(v) and v > 0 for v in lrs):
        raise ValueError("Give every optimizer one positive, finite learning rate.")
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"Steps must be between 1 and {MAX_STEPS}, got {steps}.")
    if not 2 <= batch_size <= 512:
        raise ValueError(f"The batch size must be between 2 and 512, got {batch_size}.")


def race_real(rules: Sequence[str], lrs: Sequence[float] | None = None, *, arch: str = "mlp", norm: str = "none",
              steps: int = 500, batch_size: int = 60, seed: int = 0, record_every: int = 25, eval_every: int = 25,
              progress: Callable[[float], None] | None = None, stop_at: float | None = None,
              resume: RealRace | None = None) -> RealRace:
    """Train one net per rule (same initial weights from ``seed``, same batches) for ``steps`` updates; weights
    recorded every ``record_every`` updates, test set every ``eval_every``; stops early at ``time.monotonic() >=
    stop_at`` (``complete`` False); ``progress(fraction)`` every few steps (the share done of the updates this call
    trains). ``resume``: a shorter race of the same settings to go on from (``core.race_resume``); the result is
    the race trained from scratch, bit for bit."""
    rules = tuple(rules)
    _check(rules, [DEFAULT_LR.get(r, 1.0) for r in rules] if lrs is None else lrs, steps, batch_size)
    lrs = tuple(float(DEFAULT_LR[r]) for r in rules) if lrs is None else tuple(float(v) for v in lrs)
    spec = net_spec(arch, norm)
    net = build(spec, seed)
    copy_shared_weights(build(net_spec(arch, "none"), seed), net)  # the plain and the BN net start alike
    split = load("digits", seed=seed)
    x, y = torch.from_numpy(split.x_train), torch.from_numpy(split.y_train)
    xt, yt = torch.from_numpy(split.x_test), torch.from_numpy(split.y_test)
    n_rules = len(rules)
    names = [n for n, _ in net.named_parameters()]
    shapes = [p.shape for p in net.parameters()]
    sizes = [p.numel() for p in net.parameters()]
    # One (R, P) block: each rule's optimizer owns a row, the forward sees per-parameter views of the same memory.
    flat = flat_params(net).repeat(n_rules, 1)
    leaves, start = [], 0
    for n, s in zip(sizes, shapes, strict=True):
        leaves.append(flat[:, start:start + n].view(n_rules, *s).detach().requires_grad_(True))
        start += n
    rows = [flat[r] for r in range(n_rules)]
    opts = [OPTIMIZERS[r].make_torch([row], lr=lr) for r, row, lr in zip(rules, rows, lrs, strict=True)]
    buffers = {n: b.detach().repeat(n_rules, *([1] * b.dim())) for n, b in net.named_buffers()}

    def one(params, bufs, xb):
        return functional_call(net, (params, bufs), (xb,))

    forward = vmap(one, in_dims=(0, 0, None))

    def evaluate() -> tuple[np.ndarray, np.ndarray]:
        net.train(False)
        with torch.no_grad():
            logits = forward(dict(zip(names, leaves, strict=True)), buffers, xt)  # (R, n, C)
        net.train(True)
        loss = F.cross_entropy(logits.transpose(1, 2), yt.expand(n_rules, -1), reduction="none").mean(1)
        return loss.double().numpy(), (logits.argmax(2) == yt).double().mean(1).numpy()

    rng = np.random.default_rng([int(seed), 104729])  # batch order: the stream core.train_loop uses
    losses = np.full((n_rules, steps), np.nan)
    if resume is None:
        order, cursor = rng.permutation(len(x)), 0
        diverged: list[int | None] = [None] * n_rules
        evals, records = [(0, *evaluate())], [(0, flat.clone())]
        done = 0
    else:
        state = check_resume(resume, rules, lrs, spec, seed, steps, batch_size, record_every, eval_every)
        order, cursor, trained, diverged, evals, records = restore(resume, state, flat, opts, buffers, rng,
                                                                   record_every, eval_every)
        done = resume.steps
        losses[:, :done] = trained
    alive = np.array([d is None for d in diverged])
    first = done
    net.train(True)
    for k in range(first + 1, steps + 1):
        if cursor + batch_size > len(order):  # a new epoch: reshuffle, drop the ragged end
            order, cursor = rng.permutation(len(x)), 0
        idx = torch.from_numpy(order[cursor:cursor + batch_size])
        cursor += batch_size
        logits = forward(dict(zip(names, leaves, strict=True)), buffers, x[idx])
        loss = F.cross_entropy(logits.transpose(1, 2), y[idx].expand(n_rules, -1), reduction="none").mean(1)
        value = loss.detach().double().numpy()
        for r in np.flatnonzero(alive & ~np.isfinite(value)):
            alive[r], diverged[r] = False, k
        losses[alive, k - 1] = value[alive]
        grads = torch.autograd.grad(loss[torch.from_numpy(alive)].sum(), leaves) if alive.any() else None
        if grads is not None:
            g = torch.cat([gr.reshape(n_rules, -1) for gr in grads], dim=1)
            for r in np.flatnonzero(alive):
                rows[r].grad = g[r]
                opts[r].step()
        done = k
        if k % record_every == 0 or k == steps:
            records.append((k, flat.clone()))
        if k % eval_every == 0 or k == steps:
            evals.append((k, *evaluate()))
        if progress is not None and k % 10 == 0:
            progress((k - first) / (steps - first))
        if stop_at is not None and time.monotonic() >= stop_at:
            break
    if records[-1][0] != done:
        records.append((done, flat.clone()))
    if evals[-1][0] != done:
        evals.append((done, *evaluate()))
    state = capture(lrs, batch_size, record_every, eval_every, flat, opts, rng, order, cursor)
    return _result(spec, rules, lrs, losses[:, :done], evals, records, diverged, buffers, done, done == steps, seed,
                   state)


def _result(spec, rules, lrs, losses, evals, records, diverged, buffers, done, complete, seed, state) -> RealRace:
    weights = torch.stack([w for _, w in records]).numpy()  # (K, R, P)
    test_loss = np.array([e[1] for e in evals])  # (E, R)
    test_acc = np.array([e[2] for e in evals])
    eval_steps = np.array([e[0] for e in evals])
    record_steps = np.array([s for s, _ in records])
    for r, at in enumerate(diverged):
        if at is not None:  # its weights stopped changing at the failed update: not a trajectory any more
            weights[record_steps >= at, r] = np.nan
            test_loss[eval_steps >= at, r] = np.nan
            test_acc[eval_steps >= at, r] = np.nan
    runs = tuple(RealRun(rule, lr, losses[r].copy(), test_loss[:, r].copy(), test_acc[:, r].copy(), diverged[r])
                 for r, (rule, lr) in enumerate(zip(rules, lrs, strict=True)))
    bufs = tuple({n: b[r].clone() for n, b in buffers.items()} for r in range(len(rules)))
    return RealRace(spec, runs, eval_steps, record_steps, weights, bufs, done, complete, int(seed), state)
