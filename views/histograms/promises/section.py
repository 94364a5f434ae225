"""The "BN's promises" tab: a URL-bound selector of the four experiments, then the chosen one's intro and view.

Each experiment module (``views.histograms.promises.<module>``) exposes ``INTRO`` and ``show()``, which draws its
own URL-bound controls, its Run button, job, chart and claims; a module that splits them into ``config()`` (the
URL-bound controls -> its frozen config) and ``body(cfg)`` has its controls drawn on every run, whichever tab is
open, so a link made on another tab keeps its settings (``widgets.tabs``' rule). A gallery link
(``?example=<name>``) opens this tab on one experiment and starts it (``apply_example``).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import streamlit as st

from views.histograms.promises import runner
from views.ui import frame, widgets

TAB = "BN's promises"  # the label of the page's tab (its URL value too)
KEY = "promise"  # the selector's URL key
# label (the URL value) -> module
EXPERIMENTS = {
    "Higher learning rates": "lr_tolerance",
    "Any initialization": "init_dependence",
    "Regularization": "regularizer",
    "Redundant bias": "bias",
}
LR, INIT, REGULARIZER, BIAS = EXPERIMENTS
EXAMPLES = {"bn_lr_tolerance": LR, "bn_init": INIT, "bn_regularizer": REGULARIZER, "bn_bias": BIAS}
INTRO = (
    "Ioffe & Szegedy (2015) promise that batch norm lets a network **train with much higher learning rates**, "
    "**care less about its initialization**, **regularize itself** (less need for dropout), and makes the bias of "
    "the layer before it **redundant**. Each experiment below tests one promise: plain networks and their "
    "batch-norm twins start from the same weights and see the same mini-batches, so the norm is the only "
    "difference. One click trains them all in the background (results are shared with everyone who asks for the "
    "same settings); every sentence under a chart is read from its numbers. *Why* batch norm helps at all is "
    "argued on the [Why BN helps page](/why-bn).")


@dataclass(frozen=True)
class Choice:
    """The chosen experiment, the place for its intro (above its controls) and its config (None: ``show()``)."""

    label: str
    intro: Any  # a container drawn before the controls
    config: Any


def _module(label: str):
    return importlib.import_module(f"views.histograms.promises.{EXPERIMENTS[label]}")


def choose(shown: bool = True) -> Choice:
    """The experiment selector and the chosen experiment's controls (URL-bound, drawn on every run so a link keeps
    them whichever tab is open; ``shown``: this tab is open, else they are drawn without their columns)."""
    label = widgets.radio("Promise", list(EXPERIMENTS), key=KEY, horizontal=True)
    module, intro = _module(label), st.container()
    split = hasattr(module, "config") and hasattr(module, "body")
    return Choice(label, intro, module.config(shown) if split else None)


def show(choice: Choice) -> None:
    """The chosen experiment: its intro (folded away in presentation mode) and its view."""
    module = _module(choice.label)
    with choice.intro:
        frame.prose(module.INTRO)
    if choice.config is None:
        module.show()
    else:
        module.body(choice.config)


def apply_example(example: str) -> None:
    """A gallery link's preset: this tab, its experiment selected, and its job started."""
    label = EXAMPLES[example]
    st.session_state["htab"] = TAB
    st.session_state[KEY] = label
    runner.start(_module(label).NAME)
