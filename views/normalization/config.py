"""The frozen configs of the normalization page: one per tab, each built from the cube's and its own widgets."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CubeConfig:
    """The tensor on the cube: its source, its shape (N, C, H, W), GroupNorm's G, eps and the seed."""

    source: str  # "digits": a fixed conv layer on digit images; "synthetic": noise with per-channel offsets
    n: int
    c: int
    h: int
    w: int
    groups: int  # always a divisor of c: the control offers nothing else
    eps: float
    seed: int

    @property
    def shape(self) -> tuple[int, int, int, int]:
        """(N, C, H, W)."""
        return self.n, self.c, self.h, self.w

    @property
    def positions(self) -> int:
        """H·W: the positions of one channel map."""
        return self.h * self.w


@dataclass(frozen=True)
class CubeRow:
    """The cube's settings the page draws: all but N, which the batch fragment draws (a tick reruns only it)."""

    source: str
    c: int
    h: int
    w: int
    groups: int
    eps: float
    seed: int

    def with_n(self, n: int) -> CubeConfig:
        """The tensor's config with batch size ``n``."""
        return CubeConfig(self.source, n, self.c, self.h, self.w, self.groups, self.eps, self.seed)


@dataclass(frozen=True)
class CellConfig:
    """The picked cell (n, c, h, w), with the shape (N, C, H, W) and G its sets depend on, and the method drawn
    large ("" draws the four side by side)."""

    # Only what the cube's geometry needs: a new seed, eps or source reuses the cached cube figure.
    shape: tuple[int, int, int, int]
    groups: int
    index: tuple[int, int, int, int]
    focus: str = ""  # a key of core.normalization.NORMALIZATIONS, or ""


@dataclass(frozen=True)
class SequenceConfig:
    """Tokens (N, L, C) drawn from the seed, normalized with eps: the cube's N and C, L of their own."""

    n: int
    length: int
    c: int
    seed: int
    eps: float

    @property
    def shape(self) -> tuple[int, int, int]:
        """(N, L, C)."""
        return self.n, self.length, self.c

    @property
    def cell(self) -> tuple[int, int, int]:
        """The token shown on the cubes: the middle token of the first sequence (feature 3 when C allows)."""
        return 0, self.length // 2, min(3, self.c - 1)


@dataclass(frozen=True)
class KerasConfig:
    """Features (N, C): the cube's N and C with H·W = 1, as Keras 1's BatchNormalization modes saw them."""

    n: int
    c: int

    @property
    def cell(self) -> tuple[int, int]:
        """The cell shown on the cubes: sample 2, feature 5, or the last ones of a smaller tensor."""
        return min(2, self.n - 1), min(5, self.c - 1)


@dataclass(frozen=True)
class KerasRunConfig:
    """The Keras tab's comparison: k training batches (N, C) from the cube's source and seed, through the paper,
    torch (the cube's eps) and the course's Keras layer (its own eps and momentum)."""

    source: str
    n: int
    c: int
    batches: int  # k
    momentum: float  # Keras's: the weight of the OLD value (torch runs with 1 - momentum)
    keras_eps: float
    eps: float  # the paper's and torch's
    seed: int


@dataclass(frozen=True)
class StreamConfig:
    """count + 1 batches (batch, C, H, W) from the cube's source; the last one is held out for eval."""

    source: str
    count: int  # training batches
    batch: int
    c: int
    h: int  # at most 8, or 1 for feature vectors: small maps keep 200 batches fast (statistics are per channel)
    w: int
    seed: int


@dataclass(frozen=True)
class RunningConfig:
    """Train vs eval: the stream of batches, torch's and Keras's momenta and the channel drawn."""

    stream: StreamConfig
    momentum: float  # torch: the weight of the NEW batch
    keras_momentum: float  # Keras: the weight of the OLD value
    channel: int


@dataclass(frozen=True)
class AlgorithmConfig:
    """BatchNorm step by step: Algorithm 1's 6 x 3 batch (drawn from the seed) and the channel written out."""

    seed: int
    channel: int
