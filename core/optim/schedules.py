"""Learning-rate schedules of torch.optim.lr_scheduler in plain Python: the SCHEDULES registry and `lrs`.

`lrs(name, lr, steps, **params)[t - 1]` is the lr torch's optimizer uses at step t (1-based) when the scheduler
is built right after the optimizer and `scheduler.step()` follows every `optimizer.step()`, i.e. the group's lr
at the scheduler's `last_epoch` t - 1. The recursive ("chainable") forms are followed operation by operation, as
torch computes them, including SequentialLR's switch to the closed form at its milestone; tests compare with the
real schedulers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch.optim import lr_scheduler as tls


def _constant(lr: float, n: int) -> list[float]:
    return [lr] * n


def _step(lr: float, n: int, step_size: int, gamma: float) -> list[float]:
    out, cur = [], lr
    for e in range(n):  # StepLR.get_lr: multiply the current lr at every non-zero multiple of step_size
        if e != 0 and e % step_size == 0:
            cur = cur * gamma
        out.append(cur)
    return out


def _exponential(lr: float, n: int, gamma: float) -> list[float]:
    out, cur = [], lr
    for e in range(n):
        if e:
            cur = cur * gamma
        out.append(cur)
    return out


def _cosine_after(base: float, cur: float, epochs: range, T_max: int, eta_min: float) -> list[float]:
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


def _cosine(lr: float, n: int, T_max: int, eta_min: float) -> list[float]:
    return ([lr] + _cosine_after(lr, lr, range(1, n), T_max, eta_min))[:n]


def _warmup_cosine(lr: float, n: int, start_factor: float, total_iters: int, T_max: int,
                   eta_min: float) -> list[float]:
    """SequentialLR([LinearLR(start_factor, 1.0, total_iters), CosineAnnealingLR(T_max, eta_min)], [total_iters])."""
    out, cur, span = [], lr * start_factor, 1.0 - start_factor
    for e in range(min(n, total_iters)):
        if e:
            cur = cur * (1.0 + span / (total_iters * start_factor + (e - 1) * span))
        out.append(cur)
    if n > total_iters:  # at the milestone torch calls the cosine's closed form at epoch 0, then recurses
        first = eta_min + (lr - eta_min) * (1 + math.cos(math.pi * 0 / T_max)) / 2
        out += ([first] + _cosine_after(lr, first, range(1, n - total_iters), T_max, eta_min))[: n - total_iters]
    return out


def inverse_sqrt_factor(epoch: int, warmup_steps: int) -> float:
    """LambdaLR factor: linear warm-up to 1 over warmup_steps, then sqrt(warmup_steps / (epoch + 1))."""
    k = epoch + 1
    return k / warmup_steps if k < warmup_steps else math.sqrt(warmup_steps / k)


def _inverse_sqrt(lr: float, n: int, warmup_steps: int) -> list[float]:
    return [lr * inverse_sqrt_factor(e, warmup_steps) for e in range(n)]


_CYCLE_SCALE = {"triangular": lambda gamma, cycle, e: 1.0,  # CyclicLR's scale_fn by mode, same float operations
                "triangular2": lambda gamma, cycle, e: 1 / (2.0 ** (cycle - 1)),
                "exp_range": lambda gamma, cycle, e: gamma**e}


def _cyclic(lr: float, n: int, base_lr: float | None, max_lr: float | None, step_size_up: int,
            step_size_down: int | None, mode: str, gamma: float) -> list[float]:
    """CyclicLR.get_lr (closed form in last_epoch); base_lr None is the run's lr, max_lr None is 10 x base_lr."""
    base = lr if base_lr is None else base_lr
    top = 10.0 * base if max_lr is None else max_lr
    up = float(step_size_up)
    total = up + (float(step_size_down) if step_size_down is not None else up)
    ratio, scale, out = up / total, _CYCLE_SCALE[mode], []
    for e in range(n):
        cycle = math.floor(1 + e / total)
        x = 1.0 + e / total - cycle
        factor = x / ratio if x <= ratio else (x - 1) / (ratio - 1)
        out.append(base + (top - base) * factor * scale(gamma, cycle, e))
    return out


def _torch_cyclic(opt, base_lr=None, max_lr=None, **kw):
    base = opt.param_groups[0]["lr"] if base_lr is None else base_lr
    return tls.CyclicLR(opt, base, 10.0 * base if max_lr is None else max_lr, cycle_momentum=False, **kw)


def _torch_warmup_cosine(opt, start_factor, total_iters, T_max, eta_min):
    warm = tls.LinearLR(opt, start_factor=start_factor, end_factor=1.0, total_iters=total_iters)
    cos = tls.CosineAnnealingLR(opt, T_max=T_max, eta_min=eta_min)
    return tls.SequentialLR(opt, [warm, cos], milestones=[total_iters])


@dataclass(frozen=True)
class ScheduleSpec:
    """One schedule: torch's parameter names and defaults, our lr sequence and the torch scheduler (the oracle)."""

    name: str
    title: str
    torch_name: str
    defaults: dict
    sequence: Callable  # (lr, steps, **params) -> list of the lr used at steps 1..steps
    make_torch: Callable  # (optimizer, **params) -> torch.optim.lr_scheduler.LRScheduler
    latex: str


SCHEDULES = {s.name: s for s in [
    ScheduleSpec("constant", "Constant", "(none)", {}, _constant, lambda opt: None, r"\eta_t = \eta"),
    ScheduleSpec("step", "Step", "StepLR", {"step_size": 100, "gamma": 0.5}, _step,
                 lambda opt, **kw: tls.StepLR(opt, **kw), r"\eta_t = \eta\,\gamma^{\lfloor t / s \rfloor}"),
    ScheduleSpec("exponential", "Exponential", "ExponentialLR", {"gamma": 0.995}, _exponential,
                 lambda opt, **kw: tls.ExponentialLR(opt, **kw), r"\eta_t = \eta\,\gamma^{t}"),
    ScheduleSpec("cosine", "Cosine", "CosineAnnealingLR", {"T_max": 500, "eta_min": 0.0}, _cosine,
                 lambda opt, **kw: tls.CosineAnnealingLR(opt, **kw),
                 r"\eta_t = \eta_{min} + \tfrac12(\eta - \eta_{min})(1 + \cos(\pi t / T_{max}))"),
    ScheduleSpec("warmup_cosine", "Linear warm-up, then cosine", "SequentialLR(LinearLR, CosineAnnealingLR)",
                 {"start_factor": 0.01, "total_iters": 50, "T_max": 450, "eta_min": 0.0}, _warmup_cosine,
                 _torch_warmup_cosine, r"\eta_t = \eta\,\mathrm{lin}(t)\ (t < w),\ \text{then cosine over } T_{max}"),
    ScheduleSpec("inverse_sqrt", "Inverse square root", "LambdaLR", {"warmup_steps": 1}, _inverse_sqrt,
                 lambda opt, warmup_steps: tls.LambdaLR(opt, lambda e: inverse_sqrt_factor(e, warmup_steps)),
                 r"\eta_t = \eta\,\min\!\big(\tfrac{t+1}{w}, \sqrt{w / (t+1)}\big)"),
    ScheduleSpec("cyclic", "Cyclic (triangular)", "CyclicLR(cycle_momentum=False)",
                 {"base_lr": None, "max_lr": None, "step_size_up": 100, "step_size_down": None, "mode": "triangular",
                  "gamma": 1.0}, _cyclic, _torch_cyclic,
                 r"\eta_t \text{ climbs from base\_lr to max\_lr in step\_size\_up steps and back}"),
]}

_INTS = ("step_size", "T_max", "total_iters", "warmup_steps", "step_size_up", "step_size_down")
_POSITIVE = ("gamma", "start_factor", "base_lr", "max_lr")


def resolve(name: str, /, **params) -> dict:
    """Defaults overridden by params (torch names), validated: ValueError with a sentence if unknown or bad."""
    if name not in SCHEDULES:
        raise ValueError(f"Unknown schedule {name!r}; use one of {', '.join(SCHEDULES)}.")
    spec = SCHEDULES[name]
    unknown = set(params) - set(spec.defaults)
    if unknown:
        raise ValueError(f"The {spec.title} schedule has no parameter {', '.join(sorted(unknown))}.")
    out = {**spec.defaults, **params}
    for k, v in out.items():
        if v is None or k == "mode":
            continue
        if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating) or not math.isfinite(v):
            raise ValueError(f"Schedule parameter {k} must be a finite number, got {v!r}.")
        if k in _INTS and (v != int(v) or v < 1):
            raise ValueError(f"Schedule parameter {k} must be a whole number >= 1, got {v!r}.")
        if k in _POSITIVE and v <= 0 or k == "eta_min" and v < 0 or k == "start_factor" and v > 1:
            raise ValueError(f"Schedule parameter {k} = {v!r} is out of range.")
        out[k] = int(v) if k in _INTS else float(v)
    if out.get("mode", "triangular") not in _CYCLE_SCALE:
        raise ValueError(f"CyclicLR mode must be one of {', '.join(_CYCLE_SCALE)}, got {out['mode']!r}.")
    return out


def lrs(name: str, lr: float, steps: int, /, **params) -> np.ndarray:
    """The lr (steps,) used at steps 1..steps by a run whose optimizer lr is `lr`, exactly as torch sets it."""
    params = resolve(name, **params)
    return np.array(SCHEDULES[name].sequence(float(lr), int(steps), **params), dtype=np.float64)


def torch_scheduler(optimizer: torch.optim.Optimizer, name: str, /, **params):
    """The real torch scheduler for `optimizer` (None for constant); the oracle of `lrs`."""
    return SCHEDULES[name].make_torch(optimizer, **resolve(name, **params))
