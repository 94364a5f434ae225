"""Epoch-trained nets on the dynamics page (dropout curves, ensembles): inline, as a background job, or refused.

A page run holds the run slot, so a 40 s ensemble computed inline stalls the class (issue #15): the estimate
(core.epoch_cost units x this server's measured rate) decides. Up to budget.RUN_S it runs inline with a progress bar,
up to budget.JOB_S as a shared background job with progress and Cancel, beyond that it is refused in one sentence.
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
from views.ui import budget, jobs

Tick = Callable[[float, str], None]  # (fraction done, what is running)
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
    """Estimated seconds to train ``nets`` such nets on this server."""
    return nets * epoch_units(sizes(n_train, depth, width), epochs, batch_size) * budget.rate("epoch_training", _probe)


def compute(key: str, label: str, estimate_s: float, work: Callable[[Tick], Any], nearest: Callable[[], str]) -> Any:
    """``work(tick)``'s result, or None while its job runs or after a refusal (the page then shows what it has).

    Inline when the estimate fits a page run; a background job (shared by ``key``) when it fits a job; otherwise
    one sentence naming the estimate and ``nearest()``, the closest setting that fits.
    """
    if budget.fits_inline(estimate_s):
        bar = st.progress(0.0, text=label)
        try:
            return work(lambda frac, text: bar.progress(min(max(frac, 0.0), 1.0), text=text))
        finally:
            bar.empty()
    if not budget.fits(estimate_s):
        st.warning(budget.refuse(estimate_s, label, nearest()), icon=":material/timer_off:")
        return None
    return jobs.show(jobs.submit(key, lambda progress: work(progress.update), estimate_s=estimate_s, label=label))


def largest(fits: Callable[[int], bool], lo: int, hi: int) -> int | None:
    """The largest n in [lo, hi] with ``fits(n)`` (fits is monotone: true up to some n), None if even lo does not."""
    if not fits(lo):
        return None
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if fits(mid) else (lo, mid - 1)
    return lo
