"""The lr sequences of torch.optim.lr_scheduler's step-driven schedulers, in plain Python floats.

Each function returns the lr used at steps 1..n of a run whose optimizer lr is `lr` (epoch e = step - 1), with
torch's recursive ("chainable") forms followed operation by operation: torch multiplies the group's current lr,
so rounding accumulates exactly as here. tests/core/test_schedules.py compares every one with the real scheduler.
"""

from __future__ import annotations

import math
from bisect import bisect_right


def constant(lr: float, n: int) -> list[float]:
    return [lr] * n


def step(lr: float, n: int, step_size: int, gamma: float) -> list[float]:
    out, cur = [], lr
    for e in range(n):  # StepLR.get_lr: multiply the current lr at every non-zero multiple of step_size
        if e != 0 and e % step_size == 0:
            cur = cur * gamma
        out.append(cur)
    return out


def multistep(lr: float, n: int, milestones: tuple, gamma: float) -> list[float]:
    """MultiStepLR.get_lr: at each milestone epoch the current lr times gamma ** 1 (milestones distinct)."""
    out, cur, at = [], lr, set(milestones)
    for e in range(n):
        if e in at:
            cur = cur * gamma**1
        out.append(cur)
    return out


def exponential(lr: float, n: int, gamma: float) -> list[float]:
    out, cur = [], lr
    for e in range(n):
        if e:
            cur = cur * gamma
        out.append(cur)
    return out


def constant_factor(lr: float, n: int, factor: float, total_iters: int) -> list[float]:
    """ConstantLR.get_lr: lr * factor at epoch 0, held, then times 1 / factor at total_iters."""
    out, cur = [], lr
    for e in range(n):
        if e == 0:
            cur = cur * factor
        elif e == total_iters:
            cur = cur * (1.0 / factor)
        out.append(cur)
    return out


def _linear_ramp(cur: float, e: int, start_factor: float, end_factor: float, total_iters: int) -> float:
    """One LinearLR.get_lr update of the current lr at epoch e (1 <= e <= total_iters)."""
    span = end_factor - start_factor
    return cur * (1.0 + span / (total_iters * start_factor + (e - 1) * span))


def linear(lr: float, n: int, start_factor: float, end_factor: float, total_iters: int) -> list[float]:
    """LinearLR: lr * start_factor at epoch 0, a linear ramp to lr * end_factor at total_iters, then held."""
    out, cur = [], lr
    for e in range(n):
        if e == 0:
            cur = cur * start_factor
        elif e <= total_iters:
            cur = _linear_ramp(cur, e, start_factor, end_factor, total_iters)
        out.append(cur)
    return out


def polynomial(lr: float, n: int, total_iters: int, power: float) -> list[float]:
    """PolynomialLR.get_lr: the current lr times the ratio of successive (1 - e / total_iters) ** power."""
    out, cur = [], lr
    for e in range(n):
        if 1 <= e <= total_iters:
            cur = cur * ((1.0 - e / total_iters) / (1.0 - (e - 1) / total_iters)) ** power
        out.append(cur)
    return out


def cosine_after(base: float, cur: float, epochs: range, T_max: int, eta_min: float) -> list[float]:
    """CosineAnnealingLR.get_lr's recursion from lr `cur` at the epoch before `epochs` (a restart bump at T_max)."""
    out = []
    for e in epochs:
        if (e - 1 - T_max) % (2 * T_max) == 0:
            cur = cur + (base - eta_min) * (1 - math.cos(math.pi / T_max)) / 2
        else:
            cur = (1 + math.cos(math.pi * e / T_max)) / (1 + math.cos(math.pi * (e - 1) / T_max)) * (
                cur - eta_min) + eta_min
        out.append(cur)
    return out


def cosine(lr: float, n: int, T_max: int, eta_min: float) -> list[float]:
    return ([lr] + cosine_after(lr, lr, range(1, n), T_max, eta_min))[:n]


def warm_restarts(lr: float, n: int, T_0: int, T_mult: int, eta_min: float) -> list[float]:
    """CosineAnnealingWarmRestarts: a closed-form cosine in T_cur / T_i, restarting when T_cur reaches T_i."""
    out, T_cur, T_i = [], 0, T_0
    for e in range(n):
        if e:
            T_cur += 1
            if T_cur >= T_i:
                T_cur, T_i = T_cur % T_i, T_i * T_mult
        out.append(eta_min + (lr - eta_min) * (1 + math.cos(math.pi * T_cur / T_i)) / 2)
    return out


def warmup_cosine(lr: float, n: int, start_factor: float, total_iters: int, T_max: int, eta_min: float) -> list[float]:
    """SequentialLR([LinearLR(start_factor, 1.0, total_iters), CosineAnnealingLR(T_max, eta_min)], [total_iters])."""
    out = linear(lr, min(n, total_iters), start_factor, 1.0, total_iters)
    if n > total_iters:  # at the milestone torch calls the cosine's closed form at epoch 0, then recurses
        first = eta_min + (lr - eta_min) * (1 + math.cos(math.pi * 0 / T_max)) / 2
        out += ([first] + cosine_after(lr, first, range(1, n - total_iters), T_max, eta_min))[: n - total_iters]
    return out


def inverse_sqrt_factor(epoch: int, warmup_steps: int) -> float:
    """LambdaLR factor: linear warm-up to 1 over warmup_steps, then sqrt(warmup_steps / (epoch + 1))."""
    k = epoch + 1
    return k / warmup_steps if k < warmup_steps else math.sqrt(warmup_steps / k)


def inverse_sqrt(lr: float, n: int, warmup_steps: int) -> list[float]:
    return [lr * inverse_sqrt_factor(e, warmup_steps) for e in range(n)]


def power_factor(epoch: int, s: float, c: float) -> float:
    """LambdaLR factor of the power decay lr / (1 + t / s) ** c, t = epoch."""
    return 1.0 / (1.0 + epoch / s) ** c


def power(lr: float, n: int, s: float, c: float) -> list[float]:
    return [lr * power_factor(e, s, c) for e in range(n)]


def piecewise_factor(epoch: int, boundaries: tuple, values: tuple) -> float:
    """LambdaLR factor of a piecewise-constant schedule: values[i] from epoch boundaries[i - 1] on (values[0] first)."""
    return values[bisect_right(boundaries, epoch)]


def piecewise(lr: float, n: int, boundaries: tuple, values: tuple) -> list[float]:
    return [lr * piecewise_factor(e, boundaries, values) for e in range(n)]
