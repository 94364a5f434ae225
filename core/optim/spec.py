"""An optimizer entry: its update rule in every form (`Rule`), torch's defaults and checks (`OptimizerSpec`).

A family module (core/optim/sgd.py, adam.py, ...) builds one `Rule` and the `OptimizerSpec`s that use it;
core.optim.registry collects them. Hyper-parameters use torch's names; betas, etas and step_sizes are flat
(beta1, beta2, ...) inside, tuples at torch's interface.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import torch


@dataclass(frozen=True)
class Hyper:
    """Range of one tunable scalar for a widget (log: log-spaced slider)."""

    lo: float
    hi: float
    log: bool
    default: float
    help: str = ""


@dataclass(frozen=True, eq=False)  # identity, not value: the engine groups rows by the Rule object they share
class Rule:
    """One torch update rule in every form the app needs, written side by side in its family's module.

    step (p (B, 2), g (B, 2), s, h, t, out) -> new points: the batched form (core.optim.engine's columns h).
    step_py (p [x, y], g [x, y], s, h, t) -> [x, y]: one run on Python floats, bit for bit the batched form.
    plugged (lines, traj, k, p (2,), g (2,), s, h, t) -> new point (2,): step k -> k+1 as LaTeX with numbers.
    step_size (traj, t (T+1, 1)) -> (T+1, 2): the factor each coordinate's step multiplies its direction by.
    """

    step: Callable
    step_py: Callable
    plugged: Callable
    step_size: Callable
    # state buffer -> its initial value per coordinate: a number, or the hyper-parameter that sets it
    state: dict[str, float | str]
    scalar_state: dict[str, np.generic] = field(default_factory=dict)  # per-run scalars (NAdam's float32 product)
    corrected: tuple[str, ...] = ()  # bias-corrected moments the rule divides by: "m_hat", "v_hat"

    def initial(self, h: dict) -> dict:
        """name -> initial value per coordinate (a float, or h's 0-d array / (B, 1) column of a hyper-parameter)."""
        return {k: h[v] if isinstance(v, str) else v for k, v in self.state.items()}


@dataclass(frozen=True)
class OptimizerSpec:
    """One optimizer: torch defaults (flat: betas split into beta1/beta2), its rule and its torch class."""

    name: str
    title: str
    rule: Rule
    torch_cls: type
    defaults: dict
    latex: str
    note: str
    state_names: tuple[str, ...]
    step_tex: str  # LaTeX of the effective step size
    direction: str  # what the effective step size multiplies: delta theta = -step_size * direction
    second: str | None = None  # the hyper-parameter a page offers beside lr (slider, sweep axis)
    fixed: dict = field(default_factory=dict)  # settings that define this entry (e.g. nesterov=True)

    @property
    def hyper(self) -> dict[str, Hyper]:
        """Widget ranges of this optimizer's tunable scalars."""
        return {k: replace(HYPERS[k], default=float(v)) for k, v in self.defaults.items() if k in HYPERS}

    def resolve(self, **hyper) -> dict:
        """Defaults overridden by ``hyper`` (torch names; ``betas``/``etas``/``step_sizes`` tuples accepted)."""
        flat = _flatten(self.title, hyper)
        unknown = set(flat) - set(self.defaults) - set(self.fixed)
        if unknown:
            raise ValueError(f"{self.title} has no hyper-parameter {', '.join(sorted(unknown))}.")
        out = {**self.defaults, **flat, **self.fixed}
        _validate(self.title, out)
        return {k: v if isinstance(v, bool) else float(v) for k, v in out.items()}

    @property
    def torch_defaults(self) -> dict:
        """The defaults as torch.optim's keyword arguments (betas, etas, step_sizes as tuples)."""
        return self.torch_kwargs()

    def torch_kwargs(self, **hyper) -> dict:
        """Validated settings as keyword arguments of this optimizer's torch.optim class."""
        h = self.resolve(**hyper)
        kw = {k: v for k, v in h.items() if k in _TORCH_KEYS[self.torch_cls]}
        for pair, (a, b) in _PAIRS.items():
            if a in h and pair in _TORCH_KEYS[self.torch_cls]:
                kw[pair] = (h[a], h[b])
        return kw

    def make_torch(self, params, **hyper) -> torch.optim.Optimizer:
        """The real torch.optim optimizer with the same settings (the oracle; also used to train networks)."""
        return self.torch_cls(params, foreach=False, **self.torch_kwargs(**hyper))


HYPERS = {
    "lr": Hyper(1e-5, 10.0, True, 1e-3, "learning rate"),
    "momentum": Hyper(0.0, 0.999, False, 0.9, "weight of the previous velocity"),
    "dampening": Hyper(0.0, 1.0, False, 0.0, "damps the new gradient in the velocity"),
    "weight_decay": Hyper(0.0, 1.0, False, 0.0, "L2 penalty (decoupled for AdamW)"),
    "alpha": Hyper(0.0, 0.9999, False, 0.99, "smoothing of the squared-gradient average"),
    "rho": Hyper(0.0, 0.9999, False, 0.9, "smoothing of the running averages"),
    "beta1": Hyper(0.0, 0.9999, False, 0.9, "first-moment decay"),
    "beta2": Hyper(0.0, 0.99999, False, 0.999, "second-moment decay"),
    "eps": Hyper(1e-12, 1.0, True, 1e-8, "added to the denominator"),
    "lr_decay": Hyper(0.0, 1.0, False, 0.0, "Adagrad learning-rate decay"),
    "momentum_decay": Hyper(0.0, 0.1, False, 4e-3, "NAdam momentum schedule psi"),
    "etaminus": Hyper(0.01, 0.999, False, 0.5, "step shrink on a sign flip"),
    "etaplus": Hyper(1.001, 5.0, False, 1.2, "step growth on sign agreement"),
}
ADAM_DEFAULTS = {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0}
_PAIRS = {
    "betas": ("beta1", "beta2"),
    "etas": ("etaminus", "etaplus"),
    "step_sizes": ("step_size_min", "step_size_max"),
}
_TORCH_KEYS = {
    torch.optim.SGD: {"lr", "momentum", "dampening", "weight_decay", "nesterov"},
    torch.optim.Adagrad: {"lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"},
    torch.optim.Adadelta: {"lr", "rho", "eps", "weight_decay"},
    torch.optim.RMSprop: {"lr", "alpha", "eps", "weight_decay", "momentum", "centered"},
    torch.optim.Adam: {"lr", "betas", "eps", "weight_decay", "amsgrad"},
    torch.optim.AdamW: {"lr", "betas", "eps", "weight_decay", "amsgrad"},
    torch.optim.Adamax: {"lr", "betas", "eps", "weight_decay"},
    torch.optim.NAdam: {"lr", "betas", "eps", "weight_decay", "momentum_decay"},
    torch.optim.RAdam: {"lr", "betas", "eps", "weight_decay"},
    torch.optim.Rprop: {"lr", "etas", "step_sizes"},
}


def _flatten(title: str, hyper: dict) -> dict:
    """betas=(b1, b2) -> beta1, beta2 (and etas, step_sizes alike); other names pass through."""
    flat = {}
    for k, v in hyper.items():
        if k in _PAIRS:
            if not (isinstance(v, tuple | list | np.ndarray) and len(v) == 2):
                raise ValueError(f"{title}: {k} must be a pair of numbers like (0.9, 0.999), got {v!r}.")
            a, b = _PAIRS[k]
            flat[a], flat[b] = v[0], v[1]
        else:
            flat[k] = v
    return flat


def _validate(title: str, h: dict) -> None:
    """Torch's own checks, worded for a student."""
    for k, v in h.items():
        if isinstance(v, bool | np.bool_):
            continue
        if not isinstance(v, int | float | np.integer | np.floating):
            raise ValueError(f"{title}: {k} must be a number, got {v!r}.")
        if not np.isfinite(v):
            raise ValueError(f"{title}: {k} must be a finite number, got {v}.")
        if v < 0 and k not in ("step_size_min",):
            raise ValueError(f"{title}: {k} must be >= 0, got {v}.")
    for k in ("beta1", "beta2", "rho", "alpha"):
        closed = k in ("rho", "alpha")  # torch accepts rho = 1 (and any alpha >= 0; we keep it an average)
        if k in h and not (0.0 <= h[k] < 1.0 or (closed and h[k] == 1.0)):
            raise ValueError(f"{title}: {k} must be in [0, 1{']' if closed else ')'}, got {h[k]}.")
    if h.get("nesterov") and (h.get("momentum", 0) <= 0 or h.get("dampening", 0) != 0):
        raise ValueError(f"{title}: Nesterov momentum needs momentum > 0 and dampening = 0.")
    if "etaminus" in h and not 0.0 < h["etaminus"] < 1.0 < h["etaplus"]:
        raise ValueError(f"{title}: Rprop needs 0 < etaminus < 1 < etaplus.")
