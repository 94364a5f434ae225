"""The frozen configs of the "Why BN helps" page's race tab: the race on the digits net and the plane it is drawn on."""

from __future__ import annotations

from dataclasses import dataclass, replace

NETS = {"none": "no normalization", "batch": "batch norm"}
STEP_GRID, STEPS_MAX = 50, 1000  # the Steps slider: 50 to 1000 by 50


def neighbours(steps: int) -> list[int]:
    """The Steps values a tick reaches from ``steps`` (within the slider's range), the next notch first."""
    return [s for s in (steps + STEP_GRID, steps - STEP_GRID) if STEP_GRID <= s <= STEPS_MAX]


@dataclass(frozen=True)
class RaceConfig:
    """Rules with their lrs, the net(s) and the training length: one ``core.real_race.race_real`` per net."""

    rules: tuple[str, ...]
    lrs: tuple[float, ...]
    arch: str  # "mlp" or "cnn"
    norms: tuple[str, ...]  # ("none",), ("batch",) or ("none", "batch"): same initial weights and batches
    steps: int
    seed: int
    batch_size: int = 60

    # Both schedules are powers of two that grow with the steps, so a longer race's records and evaluations are a
    # subset of a shorter one's: a race of more steps goes on from the cached shorter race (core.race_resume).
    @property
    def record_every(self) -> int:
        """Weights recorded 10 to 20 times along the race (plus the start and the end), at most ~2.4 MB per rule
        of the MLP."""
        return _power_of_two(self.steps / 20, up=True)

    @property
    def eval_every(self) -> int:
        """The held-out digits measured 10 to 20 times along the race (every 8 updates in races under 160)."""
        return max(8, _power_of_two(self.steps / 10, up=False))


def _power_of_two(x: float, up: bool) -> int:
    """The power of two at or above (``up``) or at or below ``x``, at least 1."""
    k = 0
    while 2 ** (k + 1) <= x:
        k += 1
    return 2 ** k if not up or 2 ** k >= x else 2 ** (k + 1)


@dataclass(frozen=True)
class PlaneConfig:
    """The plane under the paths: Li et al.'s PCA plane or two filter-normalized random directions."""

    race: RaceConfig
    kind: str  # "pca" or "random"
    grid: int  # points a side
    n_examples: int = 500  # training rows the loss is measured on

    def at(self, steps: int) -> PlaneConfig:
        """This plane under the same race trained for ``steps``."""
        return replace(self, race=replace(self.race, steps=steps))
