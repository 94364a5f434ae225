"""The OPTIMIZERS registry: torch.optim's names, defaults, widget ranges, update rules and the torch oracle."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import torch

from core import optim_rules


@dataclass(frozen=True)
class Hyper:
    """Range of one tunable scalar for a widget (log: log-spaced slider)."""

    lo: float
    hi: float
    log: bool
    default: float
    help: str = ""


@dataclass(frozen=True)
class OptimizerSpec:
    """One optimizer: torch defaults (flat: betas split into beta1/beta2), its rule and its torch class."""

    name: str
    title: str
    rule: Callable
    torch_cls: type
    defaults: dict
    latex: str
    note: str
    state_names: tuple[str, ...]
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


_ADAM = {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0}
_SGD = {"lr": 1e-3, "momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0}
_G = r"g_t = \nabla f(\theta_{t-1}) + \lambda\theta_{t-1}"
_ADAM_TEX = (
    _G + r",\; m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\; v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\"
    r"\theta_t = \theta_{t-1} - \frac{\gamma}{1-\beta_1^t}\,\frac{m_t}{\sqrt{%s}/\sqrt{1-\beta_2^t} + \epsilon}"
)


def _spec(name, title, rule, cls, defaults, latex, note, states, **fixed) -> OptimizerSpec:
    return OptimizerSpec(name, title, rule, cls, defaults, latex, note, states, fixed)


_R = optim_rules
OPTIMIZERS: dict[str, OptimizerSpec] = {
    s.name: s
    for s in [
        _spec(
            "sgd",
            "SGD",
            _R.sgd,
            torch.optim.SGD,
            {**_SGD, "lr": 1e-3},
            _G + r",\quad \theta_t = \theta_{t-1} - \gamma\, g_t",
            "Plain gradient descent: every coordinate moves by lr times its gradient.",
            ("effective_lr",),
            nesterov=False,
        ),
        _spec(
            "momentum",
            "Momentum",
            _R.sgd,
            torch.optim.SGD,
            {**_SGD, "momentum": 0.9},
            _G + r",\quad b_t = \mu b_{t-1} + (1-\tau) g_t,\; b_1 = g_1,\quad \theta_t = \theta_{t-1} - \gamma\, b_t",
            "torch accumulates raw gradients (b = mu b + g) and multiplies by lr at the end; the textbook form "
            "v = mu v + lr g gives the same path only while lr is constant.",
            ("velocity", "effective_lr"),
            nesterov=False,
        ),
        _spec(
            "nesterov",
            "Nesterov",
            _R.sgd,
            torch.optim.SGD,
            {**_SGD, "momentum": 0.9},
            _G + r",\quad b_t = \mu b_{t-1} + g_t,\quad \theta_t = \theta_{t-1} - \gamma\,(g_t + \mu b_t)",
            "torch's Nesterov is the Sutskever et al. reformulation: the gradient is taken at the current point and "
            "the step uses g + mu b, which equals a look-ahead gradient step in shifted variables.",
            ("velocity", "effective_lr"),
            nesterov=True,
        ),
        _spec(
            "adagrad",
            "Adagrad",
            _R.adagrad,
            torch.optim.Adagrad,
            {"lr": 1e-2, "lr_decay": 0.0, "weight_decay": 0.0, "eps": 1e-10, "initial_accumulator_value": 0.0},
            _G + r",\quad s_t = s_{t-1} + g_t^2,\quad \theta_t = \theta_{t-1} - \frac{\gamma}{1+(t-1)\eta}"
            r"\,\frac{g_t}{\sqrt{s_t} + \epsilon}",
            "eps is added after the square root, as in torch; the sum only grows, so the step only shrinks.",
            ("sum", "effective_lr"),
        ),
        _spec(
            "adadelta",
            "Adadelta",
            _R.adadelta,
            torch.optim.Adadelta,
            {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0.0},
            _G + r",\; v_t = \rho v_{t-1} + (1-\rho) g_t^2,\; \Delta_t = \frac{\sqrt{u_{t-1}+\epsilon}}"
            r"{\sqrt{v_t+\epsilon}} g_t,\; u_t = \rho u_{t-1} + (1-\rho)\Delta_t^2,\; "
            r"\theta_t = \theta_{t-1} - \gamma\Delta_t",
            "Zeiler's paper has no learning rate (lr = 1); torch keeps it as a multiplier. eps sits inside both roots.",
            ("square_avg", "acc_delta", "effective_lr"),
        ),
        _spec(
            "rmsprop",
            "RMSprop",
            _R.rmsprop,
            torch.optim.RMSprop,
            {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0, "centered": False},
            _G + r",\quad v_t = \alpha v_{t-1} + (1-\alpha) g_t^2,\quad \theta_t = \theta_{t-1} - \gamma\,"
            r"\frac{g_t}{\sqrt{v_t} + \epsilon}",
            "torch adds eps outside the square root (Hinton's slides put it inside); centered=True subtracts the "
            "squared mean gradient.",
            ("square_avg", "velocity", "effective_lr"),
        ),
        _spec(
            "adam",
            "Adam",
            _R.adam,
            torch.optim.Adam,
            dict(_ADAM),
            _ADAM_TEX % "v_t",
            "eps is added to the bias-corrected sqrt(v), exactly as torch does; the paper's epsilon-hat variant "
            "differs only in the first steps.",
            ("exp_avg", "exp_avg_sq", "effective_lr"),
            amsgrad=False,
            decoupled=False,
        ),
        _spec(
            "adamw",
            "AdamW",
            _R.adam,
            torch.optim.AdamW,
            {**_ADAM, "weight_decay": 1e-2},
            r"\theta \leftarrow \theta(1-\gamma\lambda),\; "
            + (_ADAM_TEX % "v_t").replace(r" + \lambda\theta_{t-1}", ""),
            "Weight decay is decoupled: parameters shrink by lr*wd each step instead of adding wd*theta to g.",
            ("exp_avg", "exp_avg_sq", "effective_lr"),
            amsgrad=False,
            decoupled=True,
        ),
        _spec(
            "amsgrad",
            "AMSGrad",
            _R.adam,
            torch.optim.Adam,
            dict(_ADAM),
            _ADAM_TEX % r"\hat v^{max}_t",
            "Adam with the running maximum of v in the denominator, so the effective step never grows.",
            ("exp_avg", "exp_avg_sq", "effective_lr"),
            amsgrad=True,
            decoupled=False,
        ),
        _spec(
            "adamax",
            "Adamax",
            _R.adamax,
            torch.optim.Adamax,
            {**_ADAM, "lr": 2e-3},
            _G + r",\; m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\; u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon),\;"
            r"\theta_t = \theta_{t-1} - \frac{\gamma}{1-\beta_1^t}\frac{m_t}{u_t}",
            "The infinity-norm variant of Adam; torch adds eps to |g| inside the max.",
            ("exp_avg", "exp_inf", "effective_lr"),
        ),
        _spec(
            "nadam",
            "NAdam",
            _R.nadam,
            torch.optim.NAdam,
            {**_ADAM, "lr": 2e-3, "momentum_decay": 4e-3},
            _G + r",\; \mu_t = \beta_1(1 - \tfrac12 0.96^{t\psi}),\; \theta_t = \theta_{t-1} - \gamma\left["
            r"\frac{(1-\mu_t) g_t}{1-\prod_{i\le t}\mu_i} + \frac{\mu_{t+1} m_t}{1-\prod_{i\le t+1}\mu_i}\right]"
            r"\Big/\left(\sqrt{v_t/(1-\beta_2^t)}+\epsilon\right)",
            "torch follows Dozat with a momentum schedule mu_t (momentum_decay psi); "
            "the paper's constant mu is psi = 0.",
            ("exp_avg", "exp_avg_sq", "effective_lr"),
        ),
        _spec(
            "radam",
            "RAdam",
            _R.radam,
            torch.optim.RAdam,
            dict(_ADAM),
            r"\rho_t = \rho_\infty - \frac{2t\beta_2^t}{1-\beta_2^t};\; \theta_t = \theta_{t-1} - \gamma\,\hat m_t\,"
            r"\begin{cases} r_t\,\sqrt{1-\beta_2^t}/(\sqrt{v_t}+\epsilon) & \rho_t > 5 \\ "
            r"1 & \text{otherwise}\end{cases}",
            "Until the variance estimate is trustworthy (rho_t <= 5) RAdam takes plain momentum steps.",
            ("exp_avg", "exp_avg_sq", "effective_lr"),
        ),
        _spec(
            "rprop",
            "Rprop",
            _R.rprop,
            torch.optim.Rprop,
            {"lr": 1e-2, "etaminus": 0.5, "etaplus": 1.2, "step_size_min": 1e-6, "step_size_max": 50.0},
            r"\eta_t = \text{clip}(\eta_{t-1}\cdot\{\eta^+, \eta^-, 1\}),\quad \theta_t = \theta_{t-1} - "
            r"\eta_t\,\mathrm{sign}(g_t)",
            "Only the sign of the gradient is used; after a sign flip the gradient is zeroed for one step (torch).",
            ("step_size", "prev", "effective_lr"),
        ),
    ]
}


def get(name: str) -> OptimizerSpec:
    """The spec called ``name``, or a ValueError listing the known names."""
    if name not in OPTIMIZERS:
        raise ValueError(f"Unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}.")
    return OPTIMIZERS[name]
