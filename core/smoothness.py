"""How smooth the loss is along the training path, with and without batch norm (Santurkar et al. 2018, Sec. 3.2).

At a recorded step t a net sits at weights x with mini-batch B, the batch of update t+1, and its gradient
g = ∇L_B(x) (what SGD is about to use). Santurkar, Tsipras, Ilyas & Madry ("How Does Batch Normalization Help
Optimization?", NeurIPS 2018, Sec. 3.2 and Fig. 4) move from x along that gradient, x'(η) = x − η g, for several
step sizes η, and measure on the same batch B:

* the **loss variation** (Fig. 4a): the band [min_η L_B(x'), max_η L_B(x')];
* the **gradient predictiveness** (Fig. 4b): ‖∇L_B(x) − ∇L_B(x'(η))‖₂ for each η (small = the gradient here
  predicts the gradient there);
* the **effective β-smoothness** (Fig. 4c): max_η ‖∇L_B(x) − ∇L_B(x'(η))‖₂ / ‖x − x'(η)‖₂, the largest
  gradient change per unit of distance moved (for L = ½xᵀAx it is ‖Ag‖/‖g‖ ≤ λ_max(A) at every η).

Step sizes: Fig. 4's caption caps the distance at η = 0.4 (× the gradient); their VGG's standard lr is 0.1, so
that is up to 4 training steps. We probe ``probes`` step sizes evenly spaced over ``eta_range`` = (0.5, 4) multiples of
the training lr. Batch norm uses the batch's own statistics at every probe (train mode, as the update would) and
its running statistics are restored afterwards (``probe_mode``), and every weight is put back bit for bit, so
measuring never changes the training it rides on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from core.activation_capture import probe_mode
from core.bn_twins import Batches, NetSettings, Pacer, split_of, twins
from core.optim.registry import OPTIMIZERS

NETS = ("plain", "batch")  # the norm of each twin, result arrays' first axis
ETA_RANGE = (0.5, 4.0)  # probed step sizes as multiples of the training lr (see the module docstring)
MAX_STEPS, MAX_PROBES = 3000, 16
PROBE_PASS = 1.5  # one probed step size, in training passes (see ``passes``)


@dataclass(frozen=True)
class SmoothnessConfig:
    """The twins' training and how the landscape is probed along it."""

    net: NetSettings = NetSettings()
    steps: int = 300
    record_every: int = 10  # probe at steps 0, record_every, 2 * record_every, ... < steps
    probes: int = 8  # step sizes per record
    eta_range: tuple[float, float] = ETA_RANGE  # (lowest, highest) step size, in multiples of the lr

    def validate(self) -> None:
        """ValueError with one sentence for a setting that cannot run."""
        if not 1 <= self.steps <= MAX_STEPS:
            raise ValueError(f"Steps must be between 1 and {MAX_STEPS}, got {self.steps}.")
        if not 1 <= self.record_every <= self.steps:
            raise ValueError(f"The record interval must be between 1 and the {self.steps} steps, got "
                             f"{self.record_every}.")
        if not 2 <= self.probes <= MAX_PROBES:
            raise ValueError(f"Probed step sizes must be between 2 and {MAX_PROBES}, got {self.probes}.")
        lo, hi = self.eta_range
        if not 0 < lo < hi:
            raise ValueError(f"The step-size range must satisfy 0 < lowest < highest, got {lo} and {hi}.")

    @property
    def etas(self) -> np.ndarray:
        """The probed step sizes η (probes,), absolute (multiples of the lr times the lr)."""
        return self.net.lr * np.linspace(*self.eta_range, self.probes)

    @property
    def record_steps(self) -> np.ndarray:
        """Steps (T,) at which the landscape is probed."""
        return np.arange(0, self.steps, self.record_every)


@dataclass(frozen=True)
class Probe:
    """The landscape around one point along its gradient: one entry per probed step size η (k,)."""

    loss: float  # L_B(x)
    losses: np.ndarray  # (k,) L_B(x − η g)
    grad_change: np.ndarray  # (k,) ‖∇L_B(x) − ∇L_B(x − η g)‖₂
    distance: np.ndarray  # (k,) ‖η g‖₂, the distance moved
    beta: float  # max over η of grad_change / distance


@dataclass(frozen=True)
class SmoothnessResult:
    """Both twins' measurements at ``steps`` (T,); first axis of every array is the net, in NETS order."""

    config: SmoothnessConfig
    steps: np.ndarray  # (T,) recorded steps (fewer than planned when it was stopped early)
    etas: np.ndarray  # (k,) probed step sizes
    loss: np.ndarray  # (2, T) L_B(x) at the recorded step
    losses: np.ndarray  # (2, T, k) loss at each probed step size
    grad_change: np.ndarray  # (2, T, k) gradient predictiveness at each probed step size
    beta: np.ndarray  # (2, T) effective β-smoothness
    diverged_at: tuple[int | None, int | None]  # first update whose loss was not finite, per net
    complete: bool = True

    @property
    def band(self) -> tuple[np.ndarray, np.ndarray]:
        """(lo, hi) of the loss-variation band, (2, T) each."""
        return np.min(self.losses, axis=2), np.max(self.losses, axis=2)

    @property
    def band_width(self) -> np.ndarray:
        """hi − lo of the loss band (2, T)."""
        lo, hi = self.band
        return hi - lo

    @property
    def predictiveness(self) -> tuple[np.ndarray, np.ndarray]:
        """(lo, hi) over the probed step sizes of the gradient change, (2, T) each."""
        return np.min(self.grad_change, axis=2), np.max(self.grad_change, axis=2)


def probe_along_gradient(loss_at: Callable[[], torch.Tensor], params: Sequence[torch.Tensor],
                         grads: Sequence[torch.Tensor], etas: Sequence[float], loss: float | None = None) -> Probe:
    """Loss and gradient at ``params − η grads`` for each η; ``loss_at()`` evaluates the loss at the current params
    (``loss``: its value at the start, if already known).

    The params are moved in place and restored exactly; norms are taken in float64 over all tensors together, and
    the distance moved is η‖g‖ by the definition of x' = x − ηg.
    """
    saved = [p.detach().clone() for p in params]
    g0 = [g.detach() for g in grads]
    flat0 = torch.cat([g.reshape(-1) for g in g0]).double()
    gnorm = float(torch.linalg.vector_norm(flat0))
    losses, change = [], []
    try:
        for eta in etas:
            with torch.no_grad():
                torch._foreach_copy_(params, saved)
                torch._foreach_add_(params, g0, alpha=-float(eta))
            value = loss_at()
            g1 = torch.autograd.grad(value, list(params))
            losses.append(float(value.detach()))
            change.append(float(torch.linalg.vector_norm(flat0 - torch.cat([g.reshape(-1) for g in g1]).double())))
    finally:
        with torch.no_grad():
            torch._foreach_copy_(params, saved)
    dist = np.asarray(etas, dtype=float) * gnorm
    ratio = np.array(change) / np.maximum(dist, 1e-300)
    beta = float(np.max(ratio)) if gnorm > 0 and np.all(np.isfinite(ratio)) else float("nan")
    if loss is None:
        with torch.no_grad():
            loss = float(loss_at())
    return Probe(float(loss), np.array(losses), np.array(change), dist, beta)


def _step(net, opt, x, y, etas, probe: bool) -> tuple[bool, Probe | None]:
    """One SGD-style update of ``net`` on (x, y), probing first when asked; (finite loss, probe or None)."""
    params = list(net.parameters())
    loss = F.cross_entropy(net(x), y)
    if not torch.isfinite(loss):
        return False, None
    grads = torch.autograd.grad(loss, params)
    found = None
    if probe:
        with probe_mode(net):
            found = probe_along_gradient(lambda: F.cross_entropy(net(x), y), params, grads, etas, float(loss.detach()))
    for p, g in zip(params, grads, strict=True):
        p.grad = g
    opt.step()
    return True, found


def smoothness(cfg: SmoothnessConfig = SmoothnessConfig(), *, tick: Callable[[float, str], None] | None = None,
               stop_at: float | None = None) -> SmoothnessResult:
    """Train the plain and the BN twin in lockstep for ``cfg.steps`` steps, probing both at each record step.

    ``tick(fraction, text)`` reports every few steps and may raise to cancel; once ``time.monotonic()`` would pass
    ``stop_at`` the run stops and returns the records so far (``complete`` False).
    """
    cfg.validate()
    split = split_of(cfg.net)
    nets = twins(cfg.net, split, ("none", "batch"))
    opts = [OPTIMIZERS[cfg.net.optimizer].make_torch(n.parameters(), lr=cfg.net.lr) for n in nets]
    x_all, y_all = torch.from_numpy(split.x_train), torch.from_numpy(split.y_train)
    batches, etas, due = Batches(len(x_all), cfg.net.batch_size, cfg.net.seed), cfg.etas, set(cfg.record_steps.tolist())
    k = len(etas)
    nan = Probe(float("nan"), np.full(k, np.nan), np.full(k, np.nan), np.full(k, np.nan), float("nan"))
    recorded: list[tuple[int, list[Probe]]] = []
    diverged: list[int | None] = [None, None]
    pacer, complete = Pacer(cfg.steps, tick, stop_at), True
    for step in range(cfg.steps):
        if pacer.stop(step):
            complete = False
            break
        idx = batches.next()
        probes = []
        for i, (net, opt) in enumerate(zip(nets, opts, strict=True)):
            found = None
            if diverged[i] is None:
                finite, found = _step(net, opt, x_all[idx], y_all[idx], etas, step in due)
                diverged[i] = None if finite else step + 1
            probes.append(found or nan)
        if step in due:
            recorded.append((step, probes))
    per_net = [[p[i] for _, p in recorded] for i in range(2)]
    return SmoothnessResult(
        cfg, np.array([s for s, _ in recorded], dtype=np.int64), etas,
        np.array([[p.loss for p in ps] for ps in per_net]).reshape(2, -1),
        np.array([[p.losses for p in ps] for ps in per_net]).reshape(2, -1, k),
        np.array([[p.grad_change for p in ps] for ps in per_net]).reshape(2, -1, k),
        np.array([[p.beta for p in ps] for ps in per_net]).reshape(2, -1), tuple(diverged), complete)


def passes(cfg: SmoothnessConfig) -> float:
    """Forward+backward passes of one net on one batch that ``smoothness(cfg)`` costs: the cost model's units.

    Two nets train every step; a record probes each at ``probes`` step sizes, a probe costing PROBE_PASS training
    passes (moving and restoring the weights, the float64 norms: measured 1.3 to 1.7 here).
    """
    return 2.0 * cfg.steps + 2.0 * len(cfg.record_steps) * cfg.probes * PROBE_PASS
