"""What the epoch-trained nets of the dynamics page (dropout curves, ensembles) cost, and their runs' start.

Both tabs run as experiments (views.ui.experiment): they promise a time before they start, run inline, as a shared
background job with progress and Cancel, or are refused, and stop at the promise with what they finished. The
estimate is core.epoch_cost's units x this server's measured rate x how busy it is now (experiment.busy), so the
promise follows the machine and the class. Unlike the other experiments these tabs start by themselves when a
setting changes (``autostart``), as they did before they had a Run button: opening a lesson's link shows its nets.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import streamlit as st

from core.datasets import load
from core.epoch_cost import EpochSizes, epoch_units
from core.networks import NetSpec, build
from core.train_loop import TrainData, TrainSettings, train
from views.ui import budget, experiment

PROBE = dict(n_train=300, width=64, depth=2, epochs=2, batch_size=32)  # one ensemble member, two epochs


@lru_cache(maxsize=1)
def n_val() -> int:
    """Held-out digits every run validates on (the same rows for every seed's split size)."""
    return len(load("digits", seed=0).x_test)


def sizes(n_train: int, depth: int, width: int) -> EpochSizes:
    """The digits MLP's sizes: 64 pixels in, 10 classes out."""
    return EpochSizes(n_train, n_val(), 64, 10, depth, width)


def _probe() -> float:
    data = TrainData.from_split(load("digits", seed=0), PROBE["n_train"])
    net = build(NetSpec(data.n_features, data.n_classes, PROBE["depth"], PROBE["width"], "relu", "he"), 0)
    train(net, data, TrainSettings(PROBE["epochs"], 1e-3, "adam", PROBE["batch_size"]), 0)
    return epoch_units(sizes(PROBE["n_train"], PROBE["depth"], PROBE["width"]), PROBE["epochs"], PROBE["batch_size"])


def seconds(n_train: int, depth: int, width: int, epochs: int, batch_size: int, nets: int = 1) -> float:
    """Estimated seconds to train ``nets`` such nets on this server now (its load included)."""
    units = nets * epoch_units(sizes(n_train, depth, width), epochs, batch_size)
    return units * budget.rate("epoch_training", _probe) * experiment.busy()


def autostart(exp: experiment.Experiment, cfg: Any) -> None:
    """Start ``exp`` as if Run had been pressed, once per new ``cfg`` this session sees (a rerun does not restart
    it: a run that stopped at its promise stays shown until Run is pressed)."""
    seen = f"{exp.key}_auto"
    if st.session_state.get(seen) != cfg:
        st.session_state[seen] = cfg
        experiment.start(exp)


def fits(seconds: float) -> bool:
    """Whether work estimated at ``seconds`` is promised within the job budget (what experiment.run refuses)."""
    return budget.fits(experiment.promise(seconds))


def largest(fits: Callable[[int], bool], lo: int, hi: int) -> int | None:
    """The largest n in [lo, hi] with ``fits(n)`` (fits is monotone: true up to some n), None if even lo does not."""
    if not fits(lo):
        return None
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if fits(mid) else (lo, mid - 1)
    return lo
