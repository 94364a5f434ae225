"""Promise 3, batch norm as a regularizer: the train/test gap of plain, plain + dropout, BN, BN + dropout."""

from __future__ import annotations

import math
from dataclasses import replace

import streamlit as st

from core.bn_promises.common import MAX_STEPS
from core.bn_promises.regularization import (
    REG_SETUP,
    RegularizationConfig,
    RegularizationResult,
    regularization_gap,
    units,
)
from views.histograms.promises import runner
from views.ui import frame, widgets
from viz.bn_promises_b import gap_figure

NAME = "reg"
INTRO = (
    "Batch norm promises to **act as a regularizer** (Ioffe & Szegedy, 2015, §3.4): each example is normalized "
    "with the statistics of whichever examples share its mini-batch, so the network never sees it the same way "
    "twice, and the paper found it could drop dropout. Here four networks "
    f"({REG_SETUP.depth} ReLU layers of {REG_SETUP.width} units, He init, plain SGD) learn a **deliberately small "
    "subset** of the digits until they know it by heart: plain, plain + dropout, batch norm, batch norm + dropout, "
    "from the same initial weights on the same mini-batches. The "
    "**gap** is accuracy on the training rows minus accuracy on held-out rows (both in eval mode: dropout off, "
    "BN's running statistics): the smaller it is, the less a net has merely memorized.")
SIZES = (20, 50, 100, 200, 500)
BATCHES = (5, 10, 20, 50)
LRS = (0.01, 0.03, 0.1, 0.3, 1.0)
PS = (0.1, 0.2, 0.3, 0.5, 0.7)
STEPS = (100, MAX_STEPS // 2, 100)  # the steps slider: min, max, step
FIT = 0.95  # a net "fits" its training rows when it gets at least this share right


def config(shown: bool = True) -> RegularizationConfig:
    """The experiment's URL-bound controls -> its frozen config (seed from the sidebar); ``shown``: its tab is
    open (a closed one draws them in no columns)."""
    d = RegularizationConfig()
    cols = widgets.row(5, shown)
    with cols[0]:
        n = widgets.select_slider("Training examples", SIZES, d.n_train, key="reg_n",
                                  help="The first rows of the digits' training split; the held-out rows test.")
    with cols[1]:
        p = widgets.select_slider("Dropout p", PS, d.dropout, key="reg_p",
                                  help="Share of units dropped in the two dropout variants.")
    with cols[2]:
        batch = widgets.select_slider("Batch size", BATCHES, REG_SETUP.batch_size, key="reg_bs",
                                      help="Small batches make BN's batch statistics noisier.")
    with cols[3]:
        lr = widgets.select_slider("Learning rate", LRS, REG_SETUP.lr, key="reg_lr")
    with cols[4]:
        steps = widgets.slider("Steps", *STEPS[:2], REG_SETUP.steps, STEPS[2], key="reg_steps",
                               help="SGD steps every net takes (the same batches for all).")
    setup = replace(REG_SETUP, batch_size=batch, lr=lr, steps=int(steps), seed=frame.seed())
    return replace(d, setup=setup, n_train=n, dropout=p)


def seconds(cfg: RegularizationConfig) -> float:
    """The experiment's seconds on a free core: a few of its own steps timed once per process per shape."""
    s = cfg.setup
    probe = replace(cfg, setup=replace(s, steps=40), every=20)
    rate = runner.timed(f"promise-reg {s.depth} {s.width} {s.batch_size} {cfg.n_train}",
                        lambda: (regularization_gap(probe), units(probe))[1])
    return rate * units(cfg)


def show() -> None:
    """Controls, Run with its promise and progress, then the chart and what it shows."""
    body(config())


def body(cfg: RegularizationConfig) -> None:
    """Run with its promise (or the sentence saying what to change), then the last result's chart and claims."""
    try:
        cfg.validate(10**9)  # the subset's upper bound is the dataset's, checked by the core itself
    except ValueError as exc:
        st.warning(str(exc), icon=":material/warning:")
        return
    what = f"4 networks × {cfg.setup.steps} steps"
    result = runner.run(NAME, cfg, regularization_gap, seconds=seconds(cfg), label="BN as a regularizer", what=what,
                        nearest=lambda: runner.nearest(cfg, STEPS, seconds, "Steps", "a quieter moment"))
    if result is None:
        return
    runner.draw(result, claims(result), gap_figure(result), "promise_reg_chart")
    diverged = [frame.diverged(c.name, c.diverged_at) for c in result.curves if c.diverged_at is not None]
    if diverged:
        st.warning("; ".join(diverged) + " (its line ends there). Lower the learning rate.")


def noise(result: RegularizationResult, *names: str) -> float:
    """Two standard errors of a held-out accuracy near those of ``names`` on the result's test rows: gaps closer
    than this are level (the test set's own noise)."""
    p = sum(result.late(n, "test_acc") for n in names) / len(names)
    return 2 * math.sqrt(max(p * (1 - p), 0.0) / result.n_test)


def _compare(result: RegularizationResult, a: str, b: str) -> tuple[str, float, float, float]:
    """("smaller", "larger" or "level", gap a, gap b, the noise level): is b's late gap smaller than a's?"""
    ga, gb, clear = result.late(a), result.late(b), noise(result, a, b)
    verdict = "level" if abs(ga - gb) < clear else ("smaller" if gb < ga else "larger")
    return verdict, ga, gb, clear


def claims(result: RegularizationResult) -> list[str]:
    """What the chart shows, read from its curves: who fits the subset, BN's gap vs plain's, dropout on top."""
    cfg, out = result.config, []
    alive = [c.name for c in result.curves if c.diverged_at is None]
    if not alive or result.steps_done == 0:
        return ["**Every variant diverged**: lower the learning rate."] if not alive else []
    fits = [n for n in alive if result.late(n, "train_acc") >= FIT]
    end = "the end of training (mean of its last quarter)"
    if len(fits) == len(alive):
        low = min(result.late(n, "train_acc") for n in alive)
        right = "all of them right" if low >= 1 else f"at least {low:.0%} of them right"
        out.append(f"**Every net learns its {cfg.n_train} training examples** ({right} at {end}), so the gap is "
                   f"what it fails to carry over to the {result.n_test} held-out rows.")
    else:
        missing = [n for n in alive if n not in fits]
        out.append(f"Not every net fits its {cfg.n_train} training examples by {end}: "
                   f"{', '.join(missing)} stay below {FIT:.0%} (a small gap there means underfitting, not "
                   "generalization).")
    if {"plain", "BN"} <= set(alive):
        verdict, gp, gb, clear = _compare(result, "plain", "BN")
        nums = f"plain {gp:.1%}, BN {gb:.1%}; level means within {clear:.1%}, two standard errors of a test accuracy"
        out.append({"smaller": f"**Batch norm narrows the gap here** ({nums}).",
                    "larger": f"**Here batch norm does not regularize: its gap is larger** ({nums}).",
                    "level": f"**Here batch norm and the plain net end with the same gap** ({nums})."}[verdict])
    for base in ("plain", "BN"):
        with_drop = f"{base} + dropout"
        if {base, with_drop} <= set(alive):
            verdict, g0, g1, clear = _compare(result, base, with_drop)
            what = {"smaller": "narrows the gap", "larger": "widens the gap",
                    "level": "leaves the gap about where it was"}[verdict]
            out.append(f"Dropout (p = {cfg.dropout:g}) on top of {base} {what} ({g0:.1%} → {g1:.1%}, level "
                       f"within {clear:.1%}).")
    best = max(alive, key=lambda n: result.late(n, "test_acc"))
    out.append(f"Best held-out accuracy at the end: **{best}** ({result.late(best, 'test_acc'):.1%}).")
    return out
