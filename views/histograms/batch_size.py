"""The batch-size experiment tab: accuracy after a fixed number of steps vs batch size for BN, GN and none.

It runs as an experiment (views.ui.experiment: a background job shared by every session asking for the same
settings, inline if it fits a page run). Before it starts the page says how long it will take
(views.histograms.batch_size_cost), and the run stops at that promise with the points it finished; a sweep that
would not fit the server's budget is refused with the nearest number of steps that does.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import streamlit as st

from core.batch_size_experiment import NORM_NAMES, BatchSizeConfig, BatchSizeResult, batch_size_experiment, cell_order
from views.histograms import batch_size_cost as cost
from views.histograms.upload import OWN
from views.ui import charts, widgets
from views.ui.experiment import Experiment, Work
from views.ui.experiment import run as run_experiment  # this module's ``experiment`` is the tab's view
from viz.training_curves import batch_size_chart

INTRO = (
    "Each point trains a fresh network (same initial weights, same number of steps) at one batch size. Batch norm "
    "estimates its statistics from the batch: with 2 or 4 examples they are noise. Group norm normalizes within "
    "each example, so the batch does not enter its statistics. Small batches also see fewer examples in the same "
    "number of steps, which every network feels.")
# The Group Norm paper's small-batch story needs a net that group norm trains well: ReLU with He init (a sigmoid
# net, the BN-paper preset, trains too slowly with group norm to show it). The sidebar's network is the other choice.
PAPER = dict(dataset="digits", depth=3, width=64, activation="relu", init="he", optimizer="sgd", lr=0.05)
NETWORKS = {"paper": "Group Norm paper's setting", "sidebar": "sidebar's network"}  # labels are link values
PAPER_HELP = "Group Norm paper's setting: 3 × 64 ReLU MLP, He init, SGD at lr 0.05, on the digits."
EXPERIMENT = Experiment("hist_bs", "batch-size", "Batch-size experiment", hint="train every point")
RESULT = EXPERIMENT.result_key  # session_state: the last BatchSizeResult this session got (Run draws, not reruns)
CLEAR = 0.05  # a gap of 5 points of accuracy or more is a difference worth a sentence


def network() -> str:
    """The network radio: "paper" (the Group Norm paper's setting, default) or "sidebar" (drawn by the page run)."""
    return widgets.radio("Network", list(NETWORKS), key="bs_net", horizontal=True, format_func=NETWORKS.get,
                         help=PAPER_HELP + " Or the network, optimizer and learning rate of the sidebar.")


def chosen(cfg: BatchSizeConfig, which: str) -> BatchSizeConfig:
    """``cfg`` (the sidebar's network) or the paper's setting with its steps and seed, as the radio chose."""
    return replace(cfg, **PAPER) if which == "paper" else cfg


def experiment(cfg: BatchSizeConfig) -> None:
    """The promise, Run with progress and Cancel, then the last result's chart and what it shows (``cfg`` as the
    network radio made it)."""
    if cfg.dataset == OWN:
        st.info("This experiment runs on the built-in datasets; choose one under **Dataset** in the sidebar, or "
                "the Group Norm paper's setting above.", icon=":material/info:")
        return
    est = cost.estimate(cfg)
    result = run_experiment(EXPERIMENT, cfg, work(est), seconds=est.seconds,
                            what=f"{est.cells} networks × {cfg.steps} steps", nearest=lambda: cost.nearest(cfg, est))
    if result is not None:
        _show(result)


def work(est: cost.Estimate) -> Work:
    """The sweep as an experiment's work, its progress weighted by ``est``'s seconds per cell."""
    return partial(batch_size_experiment, weights=est.weights)


def _show(result: BatchSizeResult) -> None:
    for sentence in claims(result):  # above the chart: what it shows, read from its points
        st.markdown(sentence)
    charts.chart(batch_size_chart(result), "bs_chart")
    if not result.complete:
        st.caption(f"Stopped at the promised time with {len(result.cells)} of {len(cell_order(result.config))} "
                   "points (the server was busier than when it timed itself); fewer steps per run finish sooner.")
    diverged = [f"{NORM_NAMES[c.norm]} at batch {c.batch_size}" for c in result.cells if c.diverged_at]
    if diverged:
        st.warning("Diverged (no point drawn): " + ", ".join(diverged) + ". Lower the learning rate.")


def claims(result: BatchSizeResult) -> list[str]:
    """What the chart shows, read from its data: group norm vs batch norm at the smallest and largest batch."""
    both = result.drawn(("batch", "group"))
    if not both:
        return []
    lo, hi = both[0], both[-1]
    gn, bn = result.accuracy("group", lo), result.accuracy("batch", lo)
    nums = f"group norm {gn:.0%}, batch norm {bn:.0%}"
    if gn - bn >= CLEAR:
        out = [f"**At batch {lo} group norm beats batch norm** ({nums}): batch norm's statistics of {lo} examples "
               "are noise, and its running averages do not match what training saw."]
    elif bn - gn >= CLEAR:
        out = [f"**Here group norm does not beat batch norm even at batch {lo}** ({nums}): with this network group "
               "norm trains more slowly. The Group Norm paper's setting shows the small-batch story."]
    else:
        out = [f"**At batch {lo} group norm and batch norm end level** ({nums}, within {CLEAR:.0%})."]
    if hi != lo:
        out.append(f"At batch {hi}: group norm {result.accuracy('group', hi):.0%}, batch norm "
                   f"{result.accuracy('batch', hi):.0%}.")
    return out
