"""What the live view asks of the shared server: the pair's cost checked against the budget before it is built,
and its figures computed once per frame for every session watching the same trainer."""

from __future__ import annotations

import math
from collections.abc import Callable

from core.datasets import load
from core.networks import DEPTH
from core.paired_trainer import PairedTrainer
from core.train_cost import LIVE_STEPS, PairCost, PairSizes, nearest_fitting
from core.train_cost import pair_cost as sizes_cost
from views.histograms.config import PairConfig
from views.histograms.upload import OWN, own_split
from views.ui import budget, cache, payload
from viz.theme import plain

WIDTHS = (8, 16, 32, 64, 100, 128, 256, 500, 512)  # the Width slider's marks


def sizes(cfg: PairConfig) -> PairSizes:
    """The sizes of ``cfg``'s pair (the dataset's shape included)."""
    split = own_split(cfg.upload) if cfg.dataset == OWN else load(cfg.dataset, seed=cfg.seed)
    if split is None:
        raise ValueError("The uploaded file is no longer in this session: upload it again.")
    positions = math.prod(split.image_shape) if cfg.arch == "cnn" and split.image_shape else 1
    return PairSizes(cfg.arch, cfg.depth, cfg.width, cfg.batch_size, split.n_features, split.n_classes,
                     len(split.x_test), positions)


def pair_cost(cfg: PairConfig) -> PairCost:
    """The cost model's units for ``cfg`` (core.train_cost)."""
    return sizes_cost(sizes(cfg))


_PROBE: list[PairedTrainer] = []


def _probe() -> float:
    # Ten steps of a small real pair: the machine's seconds per unit, per-op overhead included. Built on the first
    # of the rate's three timings, which the best of three then leaves out.
    if not _PROBE:
        _PROBE.append(PairedTrainer(dataset="moons", depth=2, width=64, batch_size=60, record_every=10**6))
    _PROBE[0].step(10)
    return 10 * sizes_cost(PairSizes("mlp", 2, 64, 60, 2, 2, 150)).step


def seconds(units: float) -> float:
    """Units of the cost model in seconds on this machine."""
    return units * budget.rate("live pair", _probe)


def _fits(s: PairSizes) -> bool:
    c = sizes_cost(s)
    return budget.fits(seconds(c.frames(LIVE_STEPS))) and budget.fits_inline(seconds(c.build))


def refusal(cfg: PairConfig) -> str | None:
    """None when the pair fits the budget (its first record inline, LIVE_STEPS steps within a job's time), else
    the one sentence naming the estimate and the nearest setting that fits."""
    s = sizes(cfg)
    if _fits(s):
        return None
    near = nearest_fitting(s, _fits, WIDTHS, range(DEPTH[0], DEPTH[1] + 1))
    nearest = ("a smaller net" if near is None else f"width {near.width}" if near.width != s.width
               else f"depth {near.depth}")
    return budget.refuse(seconds(sizes_cost(s).frames(LIVE_STEPS)), f"Training this pair live for {LIVE_STEPS} "
                         "steps", nearest)


@cache.shared("hist_live_figures", max_mb=48, key=lambda args, kw: args[0])
def _spec(key: str, build: Callable) -> dict:
    return payload.seal(plain(build()))


def figure(name: str, key, build: Callable) -> dict:
    """The plain spec of ``build()``, built once for every session showing the same ``key`` (trainer, frame, view)."""
    return _spec(repr((name, key)), build)
