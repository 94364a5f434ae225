"""The "BN's promises" experiments' runs: views.ui.experiment under their names, with what all four share.

An experiment module calls ``run(...)`` with its core function and draws what it returns with ``draw`` (its
sentences, its chart, the "stopped" caption); ``nearest`` names the most steps that fit, ``timed`` and ``once``
measure a cost model once per process. A gallery link calls ``start(name)`` before the widgets exist, and the next
``run`` of that experiment starts as if Run had been pressed. ``live(...)`` redraws the job's published states every
second until the result is there (the untrained start before the first arrives). Pass it: a gallery link opens
the experiment with its job just started, and tests/test_gallery.py wants a chart in that very first run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import streamlit as st

from views.ui import budget, cache, charts, experiment

_MEASURED: dict[str, Any] = {}
_LOCK = threading.Lock()


def _experiment(name: str, label: str = "") -> experiment.Experiment:
    """Experiment ``name``'s names: session keys ``promise_<name>_*``, job keys ``promise-<name> <cfg>``."""
    return experiment.Experiment(f"promise_{name}", f"promise-{name}", label)


def start(name: str) -> None:
    """Ask the next ``run`` of experiment ``name`` to start its job (a gallery link does, instead of Run)."""
    experiment.start(_experiment(name))


def now(seconds: float) -> float:
    """Seconds on this server now for work the cost model puts at ``seconds`` on a free core."""
    return seconds * experiment.busy()


def fits(seconds: float) -> bool:
    """Whether work of ``seconds`` on a free core fits the job budget now (its promise does)."""
    return budget.fits(experiment.promise(now(seconds)))


def timed(name: str, probe: Callable[[], float]) -> float:
    """Seconds per unit for ``name``: ``probe()`` does a little of the work and returns its units (steps, say).

    CPU time of this thread, best of two (the first call also warms up), once per process: the work's own cost
    on a free core, whatever else runs meanwhile (``now`` adds how busy the machine is).
    """
    return budget.rate(name, probe, clock=time.thread_time, tries=2)


def once(name: str, measure: Callable[[], Any]) -> Any:
    """``measure()`` (a timing, say) once per process for ``name`` (the key of what it measured)."""
    with _LOCK:
        if name in _MEASURED:
            return _MEASURED[name]
    value = measure()
    with _LOCK:
        return _MEASURED.setdefault(name, value)


def run(name: str, cfg: Any, work: experiment.Work, *, seconds: float, label: str, what: str,
        nearest: Callable[[], str], live: Callable[[Any], None] | None = None) -> Any | None:
    """views.ui.experiment's ``run`` of ``name`` (session and job keys), ``seconds`` on a free core, ``label``."""
    return experiment.run(_experiment(name, label), cfg, work, seconds=now(seconds), what=what, nearest=nearest,
                          live=live)


def nearest(cfg: Any, grid: tuple[int, int, int], seconds: Callable[[Any], float], name: str, otherwise: str) -> str:
    """The most steps below ``cfg``'s on the steps slider's ``grid`` (min, max, step) whose promise fits the job
    budget, as "**<name>** <steps>" (the slider's label), else ``otherwise``; ``seconds(cfg)`` as in ``run``."""
    for steps in reversed(range(grid[0], cfg.setup.steps, grid[2])):
        if fits(seconds(replace(cfg, setup=replace(cfg.setup, steps=steps)))):
            return f"**{name}** {steps}"
    return otherwise


def draw(result: Any, sentences: list[str], figure: Any, key: str) -> None:
    """A result: what it shows above its chart, and a caption if it stopped at the promised time."""
    for sentence in sentences:  # above the chart: read from its numbers
        st.markdown(sentence)
    charts.chart(figure, key)
    if not result.complete:
        st.caption(f"Stopped at the promised time after {result.steps_done} of {result.config.setup.steps} steps "
                   "(the server was busier than when it timed itself); fewer steps finish sooner.")


def live(cfg: Any, untrained: Callable[[Any], Any], figure: Callable[[Any], Any], key: str) -> Callable[[Any], None]:
    """``run``'s ``live``: the job's latest state as ``figure(state)``, ``untrained(cfg)`` before the first."""
    def draw_state(state: Any) -> None:
        state = state if state is not None else _start(untrained, cfg)
        st.caption(f"Live: every net at step {state.steps_done} of {cfg.setup.steps}; the result's sentences come "
                   "when the last step is done.")
        charts.chart(figure(state), key)
    return draw_state


@cache.shared("promise_start", max_mb=8)
def _start(untrained: Callable[[Any], Any], cfg: Any) -> Any:
    """The experiment's untrained start, once for every session (its live chart before the first state)."""
    return untrained(cfg)
