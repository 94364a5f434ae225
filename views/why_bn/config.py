"""The frozen configs of the "Why BN helps" page's race tab: the race on the digits net and the plane it is drawn on."""

from __future__ import annotations

from dataclasses import dataclass

NETS = {"none": "no normalization", "batch": "batch norm"}


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

    @property
    def record_every(self) -> int:
        """Weights recorded 20 times along the race: a path of 21 points, ~2.2 MB per rule of the MLP."""
        return max(1, self.steps // 20)

    @property
    def eval_every(self) -> int:
        """The held-out digits measured 10 times along the race (at least 10 updates apart)."""
        return max(10, self.steps // 10)


@dataclass(frozen=True)
class PlaneConfig:
    """The plane under the paths: Li et al.'s PCA plane or two filter-normalized random directions."""

    race: RaceConfig
    kind: str  # "pca" or "random"
    grid: int  # points a side
    n_examples: int = 500  # training rows the loss is measured on
