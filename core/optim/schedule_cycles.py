"""CyclicLR and OneCycleLR: the lr and the momentum (SGD's momentum, RMSprop's, or Adam's beta1) they set per step.

Both are closed forms in the epoch e = step - 1, written with torch's float operations in torch's order. Torch
cycles the momentum only for an optimizer that has one: `momentum` in its defaults (SGD, RMSprop: then it sets
group["momentum"]) or `betas` (the Adam family: then beta1); for any other it refuses cycle_momentum=True, and
`torch_cyclic` / `torch_onecycle` (like the engine) turn it off there instead.
"""

from __future__ import annotations

import math

from torch.optim import lr_scheduler as tls

CYCLE_MODES = ("triangular", "triangular2", "exp_range")
_SCALE = {"triangular": lambda gamma, cycle, e: 1.0,  # CyclicLR's scale_fn by mode, same float operations
          "triangular2": lambda gamma, cycle, e: 1 / (2.0 ** (cycle - 1)),
          "exp_range": lambda gamma, cycle, e: gamma**e}


def _cyclic_factors(n: int, step_size_up: int, step_size_down: int | None, mode: str, gamma: float):
    """(scale_factor, scale) of CyclicLR.get_lr at epochs 0..n-1."""
    up = float(step_size_up)
    total = up + (float(step_size_down) if step_size_down is not None else up)
    ratio, scale = up / total, _SCALE[mode]
    for e in range(n):
        cycle = math.floor(1 + e / total)
        x = 1.0 + e / total - cycle
        yield (x / ratio if x <= ratio else (x - 1) / (ratio - 1)), scale(gamma, cycle, e)


def cyclic(lr: float, n: int, base_lr: float | None, max_lr: float | None, step_size_up: int,
           step_size_down: int | None, mode: str, gamma: float, **_momentum) -> list[float]:
    """CyclicLR's lr; base_lr None is the run's lr, max_lr None is 10 x base_lr."""
    base = lr if base_lr is None else base_lr
    top = 10.0 * base if max_lr is None else max_lr
    return [base + (top - base) * f * s for f, s in _cyclic_factors(n, step_size_up, step_size_down, mode, gamma)]


def cyclic_momenta(n: int, step_size_up: int, step_size_down: int | None, mode: str, gamma: float,
                   cycle_momentum: bool, base_momentum: float, max_momentum: float, **_lr) -> list[float] | None:
    """CyclicLR's momentum: from max_momentum down to base_momentum while the lr climbs (None if not cycled)."""
    if not cycle_momentum:
        return None
    return [max_momentum - (max_momentum - base_momentum) * f * s
            for f, s in _cyclic_factors(n, step_size_up, step_size_down, mode, gamma)]


def supports_momentum(optimizer) -> bool:
    """Whether torch would cycle this torch optimizer's momentum (it has momentum or betas)."""
    return "momentum" in optimizer.defaults or "betas" in optimizer.defaults


def torch_cyclic(opt, base_lr=None, max_lr=None, cycle_momentum=True, **kw):
    base = opt.param_groups[0]["lr"] if base_lr is None else base_lr
    return tls.CyclicLR(opt, base, 10.0 * base if max_lr is None else max_lr,
                        cycle_momentum=cycle_momentum and supports_momentum(opt), **kw)


def _anneal(kind: str, start: float, end: float, pct: float) -> float:
    """OneCycleLR._annealing_cos / _annealing_linear."""
    if kind == "cos":
        return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
    return (end - start) * pct + start


def phases(total_steps: int, pct_start: float, three_phase: bool) -> list[tuple[float, str, str, str, str]]:
    """OneCycleLR's phases: (end_step, start lr, end lr, start momentum, end momentum)."""
    first = (float(pct_start * total_steps) - 1, "initial", "max", "max_m", "base_m")
    if three_phase:
        return [first, (float(2 * pct_start * total_steps) - 2, "max", "initial", "base_m", "max_m"),
                (total_steps - 1, "initial", "min", "max_m", "max_m")]
    return [first, (total_steps - 1, "max", "min", "base_m", "max_m")]


def _onecycle(n: int, top: float, total_steps: int, pct_start: float, anneal_strategy: str, base_momentum: float,
              max_momentum: float, div_factor: float, final_div_factor: float, three_phase: bool, which: int):
    """OneCycleLR.get_lr's lr (which=0) or momentum (which=1) at epochs 0..n-1. After total_steps steps torch raises;
    here the run goes on at the final value (epoch total_steps - 1), so a longer run keeps the same first steps."""
    initial = top / div_factor
    at = {"initial": initial, "max": top, "min": initial / final_div_factor, "max_m": max_momentum,
          "base_m": base_momentum}
    parts, out = phases(total_steps, pct_start, three_phase), []
    for e in range(n):
        step_num, start = min(e, total_steps - 1), 0.0
        for i, (end, lr0, lr1, m0, m1) in enumerate(parts):
            if step_num <= end or i == len(parts) - 1:
                pct = (step_num - start) / (end - start)
                out.append(_anneal(anneal_strategy, at[lr0], at[lr1], pct) if which == 0 else
                           _anneal(anneal_strategy, at[m0], at[m1], pct))
                break
            start = end
    return out


def onecycle(lr: float, n: int, max_lr: float | None, cycle_momentum: bool, **kw) -> list[float]:
    """OneCycleLR's lr: max_lr None is the run's lr (the peak); it starts at max_lr / div_factor."""
    return _onecycle(n, lr if max_lr is None else max_lr, which=0, **kw)


def onecycle_momenta(n: int, max_lr: float | None, cycle_momentum: bool, **kw) -> list[float] | None:
    """OneCycleLR's momentum: max_momentum down to base_momentum while the lr climbs, back while it anneals."""
    return _onecycle(n, 1.0, which=1, **kw) if cycle_momentum else None


def torch_onecycle(opt, max_lr=None, cycle_momentum=True, **kw):
    top = opt.param_groups[0]["lr"] if max_lr is None else max_lr
    return tls.OneCycleLR(opt, top, cycle_momentum=cycle_momentum and supports_momentum(opt), **kw)
