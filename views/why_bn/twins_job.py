"""The smoothness and noisy-BN tabs' run: views.ui.experiment with a cost model in forward+backward passes.

Both experiments train twins for a few seconds, too long for a page run (views/ui/budget.py), so each runs as an
experiment (views/ui/experiment.py: a promise, Run, a job keyed by its frozen config with progress and Cancel, a
stop at the promise): every student asking for the same settings shares one run and its result. The estimate is
``passes(cfg)`` of the core module times the seconds per pass this process measured once on a short run of the same
nets, scaled by how busy the machine is now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import streamlit as st

from views.ui import budget, experiment

STEP_GRID = 50  # the Steps sliders move by 50


@dataclass(frozen=True)
class Experiment:
    """One tab's experiment: how to run it, what it costs, how the page names it."""

    key: str  # "sm" or "nz": its session keys are whybn_<key>_*, its job keys whybn-<key> <cfg>
    label: str  # "Smoothness measurements"
    run: Callable[..., Any]  # run(cfg, tick=..., stop_at=...) -> a result with ``config`` and ``complete``
    passes: Callable[[Any], float]  # cost model: forward+backward passes of cfg
    what: Callable[[Any], str]  # "2 networks × 300 steps, 30 probes" (for the promise and a refusal)

    @property
    def names(self) -> experiment.Experiment:
        """Its names for views.ui.experiment."""
        return experiment.Experiment(f"whybn_{self.key}", f"whybn-{self.key}", self.label, button="Run",
                                     hint="train the networks and measure them")

    @property
    def result_key(self) -> str:
        return self.names.result_key  # session_state: the last result this session got


def seconds_per_pass(exp: Experiment, cfg) -> float:
    """Seconds per pass of cfg's nets on this machine, from a 20-step run timed once per process (best of 3)."""
    tiny = replace(cfg, steps=20, record_every=10)
    net = cfg.net
    name = f"whybn {exp.key} {net.depth}x{net.width} {net.activation} b{net.batch_size} {net.optimizer}"
    return budget.rate(name, lambda: (exp.run(tiny), exp.passes(tiny))[1])


def seconds(exp: Experiment, cfg) -> float:
    """The estimated seconds of ``cfg``'s run on this server now."""
    return exp.passes(cfg) * seconds_per_pass(exp, cfg) * experiment.busy()


def estimate(exp: Experiment, cfg) -> float:
    """The whole seconds the page promises for ``cfg`` now."""
    return experiment.promise(seconds(exp, cfg))


def nearest(exp: Experiment, cfg) -> str:
    """The nearest setting whose promise fits the job budget, as words: fewer steps (a multiple of STEP_GRID),
    else the fewest steps with the sparsest records."""
    for steps in range(cfg.steps - cfg.steps % STEP_GRID, 0, -STEP_GRID):
        if steps < cfg.steps and budget.fits(estimate(exp, replace(cfg, steps=steps,
                                                                   record_every=min(cfg.record_every, steps)))):
            return f"**Steps** {steps}"
    if budget.fits(estimate(exp, replace(cfg, steps=STEP_GRID, record_every=STEP_GRID))):
        return f"**Steps** {STEP_GRID} with a record every {STEP_GRID} steps"
    return "no shorter run of this tab"


def run(exp: Experiment, cfg) -> Any:
    """Promise, Run button, progress with Cancel; returns this session's last result (or None)."""
    try:
        now = seconds(exp, cfg)
    except ValueError as exc:  # a setting the experiment cannot take: one sentence
        st.error(str(exc))
        return st.session_state.get(exp.result_key)
    return experiment.run(exp.names, cfg, exp.run, seconds=now, what=exp.what(cfg), nearest=lambda: nearest(exp, cfg))
