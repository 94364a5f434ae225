"""The frozen configs of the training-dynamics tabs (the learning-rate and ensemble nets use core's LRConfig and
EnsembleConfig)."""

from __future__ import annotations

from dataclasses import dataclass

from core.lr_range import LR_PRESETS, LRConfig

# Step sizes h of the gradient check: half-decades from 1e-12 to 1, rounded so that a link names them exactly.
H_VALUES = tuple(float(f"{10 ** (e / 2):.0e}") for e in range(-24, 1))


def lr_label(lr: float) -> str:
    """How an lr reads on a slider, and so in the link (Streamlit writes an option as its label)."""
    return f"{lr:g}"


@dataclass(frozen=True)
class GDConfig:
    """One comparison of the three descent variants on one seeded data set; start is (w, b)."""

    n: int
    noise: float
    batch_size: int
    optimizer: str
    lr: float
    budget: str  # a key of BUDGETS
    length: int  # updates (budget "steps") or passes over the data (budget "epochs")
    start: tuple[float, float]
    seed: int


@dataclass(frozen=True)
class GradcheckConfig:
    """The gradient check: the planted bug (a key of BUGS), the step h (one of H_VALUES), the seed of the problem."""

    bug: str
    h: float
    seed: int


@dataclass(frozen=True)
class LRCurvesConfig:
    """The learning-rate tab: the shared net and data, your lr, and the mini-batch steps of every curve."""

    net: LRConfig
    mine: float
    steps: int

    def lrs(self) -> dict[str, float]:
        """label -> lr of each curve: the optimizer's labelled presets, then yours."""
        return {**LR_PRESETS[self.net.optimizer], "yours": self.mine}


@dataclass(frozen=True)
class DropoutConfig:
    """The dropout tab: drop probability p, which mask and which held-out digit the one-layer demo shows."""

    p: float
    mask: int
    digit: int
    seed: int

    @property
    def mask_seed(self) -> int:
        """The seed of the drawn mask."""
        # Each (seed, mask number) pair draws its own mask, and mask 0 of every seed differs.
        return self.seed * 1000 + self.mask


@dataclass(frozen=True)
class CurveConfig:
    """One train/validation run on digits: a wide MLP on a small training subset, so it overfits."""

    p: float
    n_train: int = 300
    width: int = 128
    depth: int = 2
    epochs: int = 40
    lr: float = 3e-3
    batch_size: int = 30
    seed: int = 0
