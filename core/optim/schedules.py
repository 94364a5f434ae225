"""Learning-rate schedules of torch.optim.lr_scheduler in plain Python: the SCHEDULES registry, `lrs`, `momenta`.

`lrs(name, lr, steps, **params)[t - 1]` is the lr torch's optimizer uses at step t (1-based) when the scheduler
is built right after the optimizer and `scheduler.step()` follows every `optimizer.step()`, i.e. the group's lr
at the scheduler's `last_epoch` t - 1; `momenta` is the momentum (or Adam's beta1) CyclicLR and OneCycleLR set
the same way. ReduceLROnPlateau ("plateau", "performance") steps on the run's own loss after each step, so its lr
needs the losses (`lrs(..., losses=traj.losses[1:])`; the engine applies it inside the run, core.optim.plateau).
The forms live in core.optim.schedule_forms and schedule_cycles; tests compare every entry with the real scheduler.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import torch
from torch.optim import lr_scheduler as tls

from core.optim import schedule_cycles as cyc
from core.optim import schedule_forms as f
from core.optim.plateau import PLATEAU_MODES, THRESHOLD_MODES, plateau_lrs
from core.optim.schedule_forms import inverse_sqrt_factor, piecewise_factor, power_factor

__all__ = ["SCHEDULES", "ScheduleSpec", "inverse_sqrt_factor", "lrs", "momenta", "momentum_key", "resolve",
           "torch_scheduler"]


@dataclass(frozen=True)
class ScheduleSpec:
    """One schedule: torch's parameter names and defaults, our lr sequence and the torch scheduler (the oracle).

    kinds: parameter -> what it may be (see _check); momenta: (steps, **params) -> momentum per step or None;
    feedback: the lr depends on the run's loss (ReduceLROnPlateau), so `sequence` needs the losses.
    """

    name: str
    title: str
    torch_name: str
    defaults: dict
    sequence: Callable  # (lr, steps, **params) -> list of the lr used at steps 1..steps
    make_torch: Callable  # (optimizer, **params) -> torch.optim.lr_scheduler.LRScheduler
    latex: str
    kinds: dict = field(default_factory=dict)  # a parameter without a kind is any finite number (or None)
    momenta: Callable | None = None
    feedback: bool = False


def _warmup_cosine(opt, start_factor, total_iters, T_max, eta_min):
    warm = tls.LinearLR(opt, start_factor=start_factor, end_factor=1.0, total_iters=total_iters)
    cos = tls.CosineAnnealingLR(opt, T_max=T_max, eta_min=eta_min)
    return tls.SequentialLR(opt, [warm, cos], milestones=[total_iters])


def _torch(cls) -> Callable:
    return lambda opt, **kw: cls(opt, **kw)


def _lambda(factor) -> Callable:
    return lambda opt, **kw: tls.LambdaLR(opt, lambda e: factor(e, **kw))


# torch's defaults but step_size_up (torch's 2000 is a long training run; a race is a few hundred steps) and the lrs
# (None: the run's lr, see schedule_cycles); like torch, both cycle the momentum unless told not to.
_CYCLIC = {"base_lr": None, "max_lr": None, "step_size_up": 100, "step_size_down": None, "mode": "triangular",
           "gamma": 1.0, "cycle_momentum": True, "base_momentum": 0.8, "max_momentum": 0.9}
_ONECYCLE = {"max_lr": None, "total_steps": 500, "pct_start": 0.3, "anneal_strategy": "cos", "cycle_momentum": True,
             "base_momentum": 0.85, "max_momentum": 0.95, "div_factor": 25.0, "final_div_factor": 1e4,
             "three_phase": False}
_PLATEAU = {"mode": "min", "factor": 0.1, "patience": 10, "threshold": 1e-4, "threshold_mode": "rel", "cooldown": 0,
            "min_lr": 0.0, "eps": 1e-8}
_PLATEAU_KINDS = {"mode": PLATEAU_MODES, "factor": "below1", "patience": "int0", "threshold": "nonneg",
                  "threshold_mode": THRESHOLD_MODES, "cooldown": "int0", "min_lr": "nonneg", "eps": "nonneg"}
_MOMENTUM_KINDS = {"cycle_momentum": "bool", "base_momentum": "momentum", "max_momentum": "momentum"}

SCHEDULES = {s.name: s for s in [
    ScheduleSpec("constant", "Constant", "(none)", {}, f.constant, lambda opt: None, r"\eta_t = \eta", {}),
    ScheduleSpec("step", "Step", "StepLR", {"step_size": 100, "gamma": 0.5}, f.step, _torch(tls.StepLR),
                 r"\eta_t = \eta\,\gamma^{\lfloor t / s \rfloor}", {"step_size": "int1", "gamma": "pos"}),
    ScheduleSpec("multistep", "Multi-step", "MultiStepLR", {"milestones": (150, 300), "gamma": 0.1},
                 f.multistep, _torch(tls.MultiStepLR), r"\eta_t = \eta\,\gamma^{\#\{m_i \le t\}}",
                 {"milestones": "steps", "gamma": "pos"}),
    ScheduleSpec("piecewise", "Piecewise constant", "LambdaLR(piecewise)",
                 {"boundaries": (100, 250), "values": (1.0, 0.3, 0.1)}, f.piecewise, _lambda(piecewise_factor),
                 r"\eta_t = \eta\,v_i \text{ for } b_{i} \le t < b_{i+1}",
                 {"boundaries": "steps", "values": "factors"}),
    ScheduleSpec("exponential", "Exponential", "ExponentialLR", {"gamma": 0.995}, f.exponential,
                 _torch(tls.ExponentialLR), r"\eta_t = \eta\,\gamma^{t}", {"gamma": "pos"}),
    ScheduleSpec("power", "Power decay", "LambdaLR(power)", {"s": 100.0, "c": 1.0}, f.power, _lambda(power_factor),
                 r"\eta_t = \eta\,/\,(1 + t/s)^{c}", {"s": "pos", "c": "nonneg"}),
    ScheduleSpec("polynomial", "Polynomial", "PolynomialLR", {"total_iters": 500, "power": 1.0}, f.polynomial,
                 _torch(tls.PolynomialLR), r"\eta_t = \eta\,(1 - \min(t, T)/T)^{p}",
                 {"total_iters": "int1", "power": "pos"}),
    ScheduleSpec("linear", "Linear", "LinearLR",
                 {"start_factor": 1.0 / 3, "end_factor": 1.0, "total_iters": 100}, f.linear, _torch(tls.LinearLR),
                 r"\eta_t = \eta\,(s + (e - s)\min(t, T)/T)",
                 {"start_factor": "unit", "end_factor": "frac", "total_iters": "int1"}),
    ScheduleSpec("constant_factor", "Constant factor, then full lr", "ConstantLR",
                 {"factor": 1.0 / 3, "total_iters": 100}, f.constant_factor, _torch(tls.ConstantLR),
                 r"\eta_t = \eta\,f \ (t < T),\ \eta \ (t \ge T)", {"factor": "unit", "total_iters": "int1"}),
    ScheduleSpec("cosine", "Cosine", "CosineAnnealingLR", {"T_max": 500, "eta_min": 0.0}, f.cosine,
                 _torch(tls.CosineAnnealingLR),
                 r"\eta_t = \eta_{min} + \tfrac12(\eta - \eta_{min})(1 + \cos(\pi t / T_{max}))",
                 {"T_max": "int1", "eta_min": "nonneg"}),
    ScheduleSpec("warm_restarts", "Cosine warm restarts", "CosineAnnealingWarmRestarts",
                 {"T_0": 100, "T_mult": 1, "eta_min": 0.0}, f.warm_restarts, _torch(tls.CosineAnnealingWarmRestarts),
                 r"\eta_t = \eta_{min} + \tfrac12(\eta - \eta_{min})(1 + \cos(\pi T_{cur} / T_i)),\ T_{i+1} = T_i\,m",
                 {"T_0": "int1", "T_mult": "int1", "eta_min": "nonneg"}),
    ScheduleSpec("warmup_cosine", "Linear warm-up, then cosine", "SequentialLR(LinearLR, CosineAnnealingLR)",
                 {"start_factor": 0.01, "total_iters": 50, "T_max": 450, "eta_min": 0.0}, f.warmup_cosine,
                 _warmup_cosine, r"\eta_t = \eta\,\mathrm{lin}(t)\ (t < w),\ \text{then cosine over } T_{max}",
                 {"start_factor": "unit", "total_iters": "int1", "T_max": "int1", "eta_min": "nonneg"}),
    ScheduleSpec("inverse_sqrt", "Inverse square root", "LambdaLR(inverse sqrt)", {"warmup_steps": 1}, f.inverse_sqrt,
                 _lambda(inverse_sqrt_factor), r"\eta_t = \eta\,\min\!\big(\tfrac{t+1}{w}, \sqrt{w / (t+1)}\big)",
                 {"warmup_steps": "int1"}),
    ScheduleSpec("cyclic", "Cyclic", "CyclicLR", _CYCLIC, cyc.cyclic, cyc.torch_cyclic,
                 r"\eta_t \text{ climbs from base\_lr to max\_lr in step\_size\_up steps and back}",
                 {"base_lr": "opt_pos", "max_lr": "opt_pos", "step_size_up": "int1", "step_size_down": "opt_int1",
                  "mode": cyc.CYCLE_MODES, "gamma": "pos", **_MOMENTUM_KINDS}, cyc.cyclic_momenta),
    ScheduleSpec("onecycle", "One cycle", "OneCycleLR", _ONECYCLE, cyc.onecycle, cyc.torch_onecycle,
                 r"\eta_t: \eta/d \nearrow \eta \text{ (cos, first pct\_start)} \searrow \eta/(d f)",
                 {"max_lr": "opt_pos", "total_steps": "int1", "pct_start": "open", "anneal_strategy": ("cos", "linear"),
                  "div_factor": "pos", "final_div_factor": "pos", "three_phase": "bool", **_MOMENTUM_KINDS},
                 cyc.onecycle_momenta),
    ScheduleSpec("plateau", "Reduce on plateau", "ReduceLROnPlateau", _PLATEAU, plateau_lrs,
                 _torch(tls.ReduceLROnPlateau), r"\eta \leftarrow \max(f\,\eta, \eta_{min}) \text{ after } p "
                 r"\text{ steps without a better loss}", _PLATEAU_KINDS, feedback=True),
    ScheduleSpec("performance", "Performance", "ReduceLROnPlateau(patience=0)",
                 {**_PLATEAU, "factor": 0.5, "patience": 0, "threshold": 0.0}, plateau_lrs,
                 _torch(tls.ReduceLROnPlateau), r"\eta \leftarrow f\,\eta \text{ whenever } L_t \ge \min_{s<t} L_s",
                 _PLATEAU_KINDS, feedback=True),
]}

MAX_LIST = 32  # entries of a typed list (milestones, boundaries, values)


def _check(name: str, k: str, kind, v):
    """One parameter checked against its kind: the value in canonical form, or ValueError with a sentence.

    Kinds: a tuple of allowed strings; "bool"; lists "steps" (increasing whole numbers >= 1) and "factors" (numbers
    >= 0); "int0" / "int1" whole numbers >= 0 / >= 1; "pos" > 0, "nonneg" >= 0, "unit" (0, 1], "frac" [0, 1],
    "below1" [0, 1), "open" and "momentum" (0, 1); prefix "opt_" also allows None; "number" any finite number or None.
    """
    if isinstance(kind, tuple):
        if v not in kind:
            raise ValueError(f"Schedule parameter {k} must be one of {', '.join(kind)}, got {v!r}.")
        return v
    if kind == "bool":
        if not isinstance(v, bool | np.bool_):
            raise ValueError(f"Schedule parameter {k} must be True or False, got {v!r}.")
        return bool(v)
    if kind in ("steps", "factors"):
        if not isinstance(v, tuple | list) or not 1 <= len(v) <= MAX_LIST:
            raise ValueError(f"Schedule parameter {k} must be a list of 1 to {MAX_LIST} numbers, got {v!r}.")
        out = tuple(_check(name, k, "int1" if kind == "steps" else "nonneg", x) for x in v)
        if kind == "steps" and any(b <= a for a, b in pairwise(out)):
            raise ValueError(f"Schedule parameter {k} must be increasing steps, got {', '.join(map(str, out))}.")
        return out
    if v is None and kind.startswith(("opt_", "number")):
        return None
    if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating) or not math.isfinite(v):
        raise ValueError(f"Schedule parameter {k} must be a finite number, got {v!r}.")
    kind = kind.removeprefix("opt_")
    if kind == "number":
        return float(v)
    if kind.startswith("int"):
        if v != int(v) or v < int(kind[3]):
            raise ValueError(f"Schedule parameter {k} must be a whole number >= {kind[3]}, got {v!r}.")
        return int(v)
    ok = {"pos": v > 0, "nonneg": v >= 0, "unit": 0 < v <= 1, "frac": 0 <= v <= 1, "below1": 0 <= v < 1,
          "open": 0 < v < 1, "momentum": 0 < v < 1}[kind]
    if not ok:
        raise ValueError(f"Schedule parameter {k} = {v!r} is out of range.")
    return float(v)


def resolve(name: str, /, **params) -> dict:
    """Defaults overridden by params (torch names), validated: ValueError with a sentence if unknown or bad."""
    if name not in SCHEDULES:
        raise ValueError(f"Unknown schedule {name!r}; use one of {', '.join(SCHEDULES)}.")
    spec = SCHEDULES[name]
    unknown = set(params) - set(spec.defaults)
    if unknown:
        raise ValueError(f"The {spec.title} schedule has no parameter {', '.join(sorted(unknown))}.")
    out = {k: _check(name, k, spec.kinds.get(k, "number"), v) for k, v in {**spec.defaults, **params}.items()}
    if name == "piecewise" and len(out["values"]) != len(out["boundaries"]) + 1:
        raise ValueError(f"A piecewise schedule needs one value more than boundaries: {len(out['boundaries'])} "
                         f"boundaries, {len(out['values'])} values.")
    if name == "onecycle":  # torch divides by each phase's length: every phase must be at least a step long
        ends = [0.0] + [p[0] for p in cyc.phases(out["total_steps"], out["pct_start"], out["three_phase"])]
        if any(b <= a for a, b in pairwise(ends)):
            raise ValueError(f"OneCycleLR's pct_start = {out['pct_start']} leaves a phase of no steps in "
                             f"total_steps = {out['total_steps']}.")
    return out


def lrs(name: str, lr: float, steps: int, /, losses=None, **params) -> np.ndarray:
    """The lr (steps,) used at steps 1..steps by a run whose optimizer lr is `lr`, exactly as torch sets it.

    losses: for ReduceLROnPlateau only, the run's loss after each step (traj.losses[1:]), which its lr depends on.
    """
    params, spec = resolve(name, **params), SCHEDULES[name]
    if spec.feedback:
        if losses is None:
            raise ValueError(f"{spec.torch_name}'s lr depends on the run's loss: pass losses (traj.losses[1:]).")
        return plateau_lrs(float(lr), int(steps), losses, **params)
    return np.array(spec.sequence(float(lr), int(steps), **params), dtype=np.float64)


def momenta(name: str, steps: int, /, **params) -> np.ndarray | None:
    """The momentum (SGD, RMSprop) or beta1 (Adam family) (steps,) the schedule sets at steps 1..steps, or None
    when it leaves them alone (only CyclicLR and OneCycleLR with cycle_momentum cycle them)."""
    params, spec = resolve(name, **params), SCHEDULES[name]
    seq = spec.momenta(int(steps), **params) if spec.momenta else None
    return None if seq is None else np.array(seq, dtype=np.float64)


def momentum_key(defaults: dict) -> str | None:
    """Which hyper-parameter a cycling schedule sets for an optimizer with these (flat) defaults: torch sets beta1
    where the optimizer has betas, else momentum; None (no cycling, as torch refuses) for the others."""
    return "beta1" if "beta1" in defaults else "momentum" if "momentum" in defaults else None


def torch_scheduler(optimizer: torch.optim.Optimizer, name: str, /, **params):
    """The real torch scheduler for `optimizer` (None for constant); the oracle of `lrs` and `momenta`."""
    return SCHEDULES[name].make_torch(optimizer, **resolve(name, **params))
