"""Defaults and one-click presets for optimizer races: per-surface learning rates and the classic pictures."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from core.optim.registry import OPTIMIZERS

COURSE = ("sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam")
# A 1-2-5 grid: the log slider's stops, so any lr in a link is one of these.
LR_GRID = tuple(round(m * 10.0**e, 10) for e in range(-5, 1) for m in (1, 2, 5)) + (10.0,)

# Per-surface learning rates, picked from the 500-step grid search of each optimizer (one notch below the best
# final loss, so the race shows the typical behaviour rather than the edge of divergence).
_ADAPTIVE = ("adam", "adamw", "amsgrad", "adamax", "nadam", "radam")
DEFAULT_LR: dict[str, dict[str, float]] = {
    "beale": {"sgd": 0.01, "momentum": 0.002, "nesterov": 0.002, "adagrad": 1.0, "adadelta": 1.0, "rmsprop": 0.01,
              **dict.fromkeys(_ADAPTIVE, 0.1), "rprop": 0.2},
    "long_valley": {"sgd": 0.05, "momentum": 0.05, "nesterov": 0.05, "adagrad": 0.5, "adadelta": 2.0,
                    "rmsprop": 0.02, **dict.fromkeys(_ADAPTIVE, 0.05), "rprop": 0.1},
    # Non-smooth: final losses swing with the phase of the bounce across the kink, so this row is one notch below
    # the best mean loss over the last 100 of 500 steps instead.
    "v_valley": {"sgd": 0.01, "momentum": 0.001, "nesterov": 0.001, "adagrad": 0.2, "adadelta": 2.0, "rmsprop": 0.01,
                 "adam": 0.05, "adamw": 0.02, "amsgrad": 0.05, "adamax": 0.05, "nadam": 0.02, "radam": 0.05,
                 "rprop": 5.0},
    "saddle": {"sgd": 0.01, "momentum": 0.01, "nesterov": 0.01, "adagrad": 0.01, "adadelta": 1.0, "rmsprop": 0.01,
               **dict.fromkeys(_ADAPTIVE, 0.01), "rprop": 0.01},
    "rosenbrock": {"sgd": 0.002, "momentum": 0.0005, "nesterov": 0.0005, "adagrad": 0.5, "adadelta": 0.5,
                   "rmsprop": 0.01, **dict.fromkeys(_ADAPTIVE, 0.05), "rprop": 0.001},
    "himmelblau": {"sgd": 0.01, "momentum": 0.005, "nesterov": 0.001, "adagrad": 0.5, "adadelta": 0.5,
                   "rmsprop": 0.02, **dict.fromkeys(_ADAPTIVE, 0.2), "rprop": 0.01},
    "rastrigin": {"sgd": 0.001, "momentum": 0.001, "nesterov": 0.001, "adagrad": 0.5, "adadelta": 0.1,
                  "rmsprop": 0.02, **dict.fromkeys(_ADAPTIVE, 0.1), "rprop": 0.001},
    "quadratic": {"sgd": 0.05, "momentum": 0.05, "nesterov": 0.05, "adagrad": 1.0, "adadelta": 1.0, "rmsprop": 0.02,
                  **dict.fromkeys(_ADAPTIVE, 0.1), "rprop": 0.1},
    "custom": {"sgd": 0.01, "momentum": 0.01, "nesterov": 0.01, "adagrad": 0.1, "adadelta": 1.0, "rmsprop": 0.01,
               **dict.fromkeys(_ADAPTIVE, 0.05), "rprop": 0.01},
}


def lr_choices() -> tuple[float, ...]:
    """The lr slider's stops: the 1-2-5 grid plus the presets' exact values (Goh's optimal lr)."""
    extra = {h["lr"] for p in PRESETS.values() for h in p.hyper.values() if "lr" in h}
    return tuple(sorted(set(LR_GRID) | extra))


def default_lr(surface: str, optimizer: str) -> float:
    """The race's starting lr for an optimizer on a surface (a value of LR_GRID); torch's default lr for an
    optimizer the table does not list yet."""
    listed = DEFAULT_LR.get(surface, DEFAULT_LR["custom"])
    return listed[optimizer] if optimizer in listed else float(OPTIMIZERS[optimizer].defaults["lr"])


def goh_momentum(kappa: float) -> tuple[float, float]:
    """Optimal (lr, momentum) for a quadratic with eigenvalues 1 and kappa (Goh, "Why Momentum Really Works").

    lr = (2 / (sqrt(l_min) + sqrt(l_max)))^2 and beta = ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))^2, for the
    textbook form v = beta v + g, x -= lr v, which is torch's SGD momentum with dampening 0.
    """
    r = math.sqrt(kappa)
    return (2.0 / (1.0 + r)) ** 2, ((r - 1.0) / (r + 1.0)) ** 2


def round_up(x: float, digits: int = 3) -> float:
    """x rounded up to `digits` decimals (the momentum slider's resolution)."""
    return math.ceil(round(x * 10**digits, 9)) / 10**digits


@dataclass(frozen=True)
class Preset:
    """A classic picture: surface (with params), start, racing optimizers, steps, hyper overrides, and its caption.

    The caption states what the preset's own run shows, with the numbers measured on it
    (tests/core/test_presets_claims.py recomputes every number from the run).
    """

    title: str
    surface: str
    start: tuple[float, float]
    optimizers: tuple[str, ...] = COURSE
    steps: int = 500
    params: dict = field(default_factory=dict)  # kappa / angle for the quadratic
    hyper: dict = field(default_factory=dict)  # optimizer -> {name: value}
    caption: str = ""

    def lr(self, optimizer: str) -> float:
        """The lr the preset gives `optimizer`: its own override or the surface's default."""
        return self.hyper.get(optimizer, {}).get("lr", default_lr(self.surface, optimizer))

    def runs(self) -> list[tuple[str, dict]]:
        """(optimizer, torch hyper-parameters) of every racing optimizer: the configs of core.optim.run_batch that
        the page races once the preset is applied (the others keep torch's defaults)."""
        return [(o, {**self.hyper.get(o, {}), "lr": self.lr(o)}) for o in self.optimizers]


def _goh_preset(kappa: float = 100.0) -> Preset:
    lr, beta = goh_momentum(kappa)
    # Rounded down (0.669), beta would overdamp the stiff direction: its rate becomes 0.846 instead of 0.818, and
    # 300 steps end ~1000x farther away. Rounded up, every direction stays underdamped at rate sqrt(beta) = 0.8185.
    # The start lies near the shallow axis (rotated by 30 degrees), so every iterate stays inside the plotted box.
    # Plain gradient descent's best constant step is 2 / (l_min + l_max); Goh's momentum lr would diverge it.
    return Preset("Goh quadratic", "quadratic", (-2.5, -1.0),
                  ("sgd", "momentum", "adam"), 300, {"kappa": kappa, "angle": 30.0},
                  {"sgd": {"lr": round(2.0 / (1.0 + kappa), 6)},
                   "momentum": {"lr": round(lr, 6), "momentum": round_up(beta)}},
                  "Goh's optimal lr and momentum (β rounded up to 0.670) shrink the distance to the minimum by "
                  "0.8185 per step, Goh's (√κ − 1)/(√κ + 1) = 0.818; plain gradient descent at its best step "
                  "2/(1 + κ) by 0.980, so after 300 steps it is still 0.007 away.")


PRESETS: dict[str, Preset] = {
    "beale": Preset("Beale", "beale", (1.0, 1.5), steps=1000,
                    caption="Seven optimizers race from (1, 1.5) to Beale's minimum (3, 0.5): after 1000 steps all "
                            "are within 0.12 of it, Adam the closest and Adadelta the farthest."),
    # SGD at lr 0.18, just under the walls' limit 2/10: every step overshoots the floor. Momentum keeps the page's
    # lr 0.05 with beta 0.9: it swings across slowly while its velocity builds along the floor.
    "long_valley": Preset("Long valley", "long_valley", (-7.0, 1.5), steps=300, hyper={"sgd": {"lr": 0.18}},
                          caption="SGD zig-zags across the ravine (y flips sign at each of its first 30 steps) and "
                                  "crawls along it; momentum swings slowly (7 flips in 30 steps) and rolls down the "
                                  "floor: within 0.1 of the minimum at step 91, SGD only at step 220."),
    "saddle": Preset("Saddle", "saddle", (-1.8, 1e-3), steps=300,
                     caption="Starting 0.001 off the ridge, Adadelta escapes downhill first (leaves the box at step "
                             "39), then RMSprop (54), Nesterov (74), Momentum (79) and Adam (139); SGD and Adagrad "
                             "are still inside after 300 steps."),
    "goh": _goh_preset(),
    # SGD at 5x the surface's default lr, so its bounce across the kink (lr x 5 peak to peak) is wide enough to see.
    "nonsmooth": Preset("Kinked valley", "v_valley", (-4.5, 1.55), ("sgd", "momentum", "adagrad", "adam"),
                        hyper={"sgd": {"lr": 0.05}, "momentum": {"lr": 0.01}, "adagrad": {"lr": 0.5}},
                        caption="The gradient across the kinked floor stays ±5 however close a run gets: SGD flips y "
                                "at every step from step 7 on, swinging exactly lr × 5 = 0.25 peak to peak to the "
                                "end while x converges, and momentum keeps swinging (0.27); Adagrad's swing narrows "
                                "from 0.14 (steps 50–100) to 0.05 (last 100 steps), Adam's from 0.13 to 0.04."),
}
