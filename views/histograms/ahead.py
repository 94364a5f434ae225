"""The neighbouring depths drawn ahead: the live view's histogram chart carries the first frame of the pairs one
notch shallower and one deeper (views.ui.charts.Ahead), so the browser shows it the moment the Depth thumb moves,
before the round trip; the rerun then finds that pair built and its figure cached.

A new depth costs ~20-30 ms of torch (two nets built, their first record): a drag pays for one new neighbour a
notch, as it paid for the depth it reached before. Neighbours whose build the cost model puts above ``AHEAD_S``,
or that the budget refuses, are left to the server. The trainers join the shared registry like any other
(core.shared_trainer: bounded in bytes, dropped when idle) and train nothing until a viewer presses Play.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from core import shared_trainer
from core.networks import DEPTH
from core.shared_trainer import TrainerKey
from views.histograms.config import LayerView, PairConfig
from views.histograms.shared import pair_cost, refusal, seconds
from views.ui import charts

AHEAD_S = 0.1  # the most a neighbour's build may cost (estimated): both are built inside the Depth tick's run
SLIDER = "depth"  # the Depth slider's widget key (views.histograms.controls.depth)


def _fits(cfg: PairConfig) -> bool:
    try:
        return refusal(cfg) is None and seconds(pair_cost(cfg).build) <= AHEAD_S
    except ValueError:  # e.g. an upload gone from the session: the server says so on the tick
        return False


def figures(cfg: PairConfig, lr: float, view: LayerView, names: tuple[str, str],
            build: Callable[[PairConfig, float], object], first_frame: Callable) -> charts.Ahead | None:
    """What a run at depth - 1 and depth + 1 shows in the histogram chart (a fresh seat: the pair's first frame at
    ``lr``, paused), as ``first_frame(trainer, view, names)`` gives it: (step, spec, line)."""
    specs, lines = {}, {}
    for depth in (cfg.depth - 1, cfg.depth + 1):
        nxt = dataclasses.replace(cfg, depth=depth)
        if not DEPTH[0] <= depth <= DEPTH[1] or not _fits(nxt):
            continue
        trainer = shared_trainer.get(TrainerKey(repr(nxt), ((0, lr),)), lambda c=nxt: build(c, lr))
        _, specs[depth], lines[depth] = first_frame(trainer, view, names)
    return charts.Ahead(SLIDER, cfg.depth, specs, lines) if specs else None
