"""The optimizer page's frozen configs: everything a race (and each tab drawn from it) depends on, built once a run.

Cached data functions take these (keyed by repr: every field is a plain value), so a setting reaches the engine
as the widget gave it: page -> RaceConfig -> views.optimizers.data -> core.optim.run -> figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from core.optim.registry import OPTIMIZERS


@dataclass(frozen=True)
class SurfaceConfig:
    """Which surface: a registered name, the quadratic's condition number and angle, or a typed expression."""

    name: str
    kappa: float = 10.0
    angle: float = 0.0  # degrees
    expr: str = "x**2 + 10*sin(y)"

    def params(self) -> dict:
        """Keyword arguments of core.surfaces.get_surface for this surface."""
        if self.name == "quadratic":
            return {"kappa": self.kappa, "angle": self.angle}
        return {"expr": self.expr} if self.name == "custom" else {}


@dataclass(frozen=True)
class RunConfig:
    """One racing optimizer: its lr and, where the page offers one, its second hyper-parameter (spec.second)."""

    optimizer: str
    lr: float
    second: float | None = None

    @property
    def title(self) -> str:
        return OPTIMIZERS[self.optimizer].title

    def hyper(self) -> dict:
        """torch-named hyper-parameters for core.optim.run_batch (the others keep torch's defaults)."""
        second = OPTIMIZERS[self.optimizer].second
        return {"lr": self.lr} | ({second: self.second} if second and self.second is not None else {})


@dataclass(frozen=True)
class NoiseConfig:
    """Gradient noise (core.optim.noise): kind, sigma, noisy paths per optimizer and the seed they draw from."""

    kind: str = "additive"
    sigma: float = 0.0  # 0: exact gradients, one path
    paths: int = 1
    seed: int = 0  # only read when sigma > 0, so an exact race is shared by every seed

    def run_kwargs(self) -> dict:
        """noise, seed and paths of core.optim.run_batch ({} for exact gradients)."""
        return {"noise": (self.kind, self.sigma), "seed": self.seed, "paths": self.paths} if self.sigma else {}


@dataclass(frozen=True)
class ScheduleConfig:
    """An lr schedule of core.optim.schedules in torch's names, relative to each optimizer's lr: cyclic's max_lr is
    `peak` x that lr, ReduceLROnPlateau's min_lr `floor` x that lr (OneCycleLR's max_lr is that lr itself)."""

    name: str = "constant"
    params: tuple[tuple[str, float | int | str | bool | tuple], ...] = ()  # sorted (torch name, value) pairs
    peak: float = 3.0
    floor: float = 0.0

    def for_lr(self, lr: float) -> tuple[str, dict]:
        """(name, params) of one run at base lr `lr`."""
        extra = {"max_lr": self.peak * lr} if self.name == "cyclic" else {}
        if self.name in ("plateau", "performance"):
            extra = {"min_lr": self.floor * lr}
        return self.name, dict(self.params) | extra


LR_MODES = {"as set": "each lr as set on the left", "shared": "one shared lr", "best": "each at its own best lr"}


@dataclass(frozen=True)
class RaceConfig:
    """A race: the surface, the racing optimizers with their lrs, start, steps, how lrs are chosen, noise, schedule."""

    surface: SurfaceConfig
    runs: tuple[RunConfig, ...]
    start: tuple[float, float]
    steps: int
    lr_mode: str = "as set"  # a key of LR_MODES: as set, one shared lr, or each at its best lr (fair race)
    shared_lr: float = 0.01
    noise: NoiseConfig = field(default_factory=NoiseConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)

    @property
    def titles(self) -> list[str]:
        return [r.title for r in self.runs]

    def without_lrs(self) -> RaceConfig:
        """What the fair race's lr sweep depends on: not the lrs it replaces, nor noise or schedule."""
        return RaceConfig(self.surface, tuple(replace(r, lr=0.0) for r in self.runs), self.start, self.steps)


@dataclass(frozen=True)
class SweepConfig:
    """A 64 x 64 sweep of one optimizer: lr against its second hyper-parameter, from the race's start."""

    surface: SurfaceConfig
    optimizer: str
    start: tuple[float, float]
    steps: int  # at most 500: 4096 runs of this many steps

    @property
    def second(self) -> str:
        return OPTIMIZERS[self.optimizer].second
