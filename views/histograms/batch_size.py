"""The batch-size experiment tab: accuracy after a fixed number of steps vs batch size for BN, GN and none.

It runs as a background job (views.ui.jobs) outside the page-run turn, shared by every session asking for the same
settings. Before it starts the page says how long it will take (views.histograms.batch_size_cost), and the job
stops at that promise with the points it finished; a sweep that would not fit the server's budget is refused with
the nearest number of steps that does.
"""

from __future__ import annotations

import time
from dataclasses import replace

import streamlit as st

from core.batch_size_experiment import NORM_NAMES, BatchSizeConfig, BatchSizeResult, batch_size_experiment, cell_order
from views.histograms import batch_size_cost as cost
from views.histograms.upload import OWN
from views.ui import budget, charts, jobs, widgets
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
RESULT = "hist_bs_result"  # session_state: the last BatchSizeResult this session got (the button draws, not reruns)
PENDING = "hist_bs_pending"  # session_state: the BatchSizeConfig whose job this session waits for
CLEAR = 0.05  # a gap of 5 points of accuracy or more is a difference worth a sentence


class _Stopped(Exception):
    """A sweep that reached its promised time: carries the points it finished (never cached as the answer)."""

    def __init__(self, result: BatchSizeResult):
        super().__init__("stopped at the promised time")
        self.result = result


def network(cfg: BatchSizeConfig) -> BatchSizeConfig:
    """The network radio: the paper's setting (default) or ``cfg`` as the sidebar made it."""
    which = widgets.radio("Network", list(NETWORKS), key="bs_net", horizontal=True, format_func=NETWORKS.get,
                          help=PAPER_HELP + " Or the network, optimizer and learning rate of the sidebar.")
    return replace(cfg, **PAPER) if which == "paper" else cfg


def experiment(cfg: BatchSizeConfig) -> None:
    """The promise, Run with progress and Cancel, then the last result's chart and what it shows (``cfg`` as the
    network radio made it)."""
    if cfg.dataset == OWN:
        st.info("This experiment runs on the built-in datasets; choose one under **Dataset** in the sidebar, or "
                "the Group Norm paper's setting above.", icon=":material/info:")
        return
    est = cost.estimate(cfg)
    # The button is drawn into a slot above the job's progress but after the job is followed: drawn first, it kept
    # the disabled look of a job that had just delivered its result until the next click.
    slot = st.container()
    _follow(cfg, est)
    with slot:
        if not budget.fits(est.promise_s):
            st.warning(budget.refuse(est.promise_s, f"This sweep ({est.cells} networks × {cfg.steps} steps)",
                                     cost.nearest(cfg, est)), icon=":material/timer_off:")
        elif _run_button(cfg, est):
            st.session_state[PENDING] = cfg
            st.rerun()  # the job starts in the next run, where _follow sees it pending
    _show(cfg, st.session_state.get(RESULT))


def _run_button(cfg: BatchSizeConfig, est: cost.Estimate) -> bool:
    row = st.container(horizontal=True, vertical_alignment="center")
    pressed = row.button("Run experiment", icon=":material/science:", key="bs_run",
                         disabled=st.session_state.get(PENDING) == cfg)
    row.caption(f"{est.cells} networks × {cfg.steps} steps: about {budget.seconds(est.promise_s)} on this server "
                "(timed once here; the run never takes longer). Results are shared with everyone.")
    return pressed


def _work(cfg: BatchSizeConfig, est: cost.Estimate):
    def work(progress: jobs.Progress) -> BatchSizeResult:
        # The promise counts from the start; a tick's worth of slack covers the last evaluation.
        stop_at = time.monotonic() + est.promise_s - cost.SLACK_S
        result = batch_size_experiment(cfg, tick=progress.update, stop_at=stop_at, weights=est.weights)
        if not result.complete:
            raise _Stopped(result)
        return result
    return work


def _follow(cfg: BatchSizeConfig, est: cost.Estimate) -> None:
    """Watch this session's job: progress and Cancel while it runs, its result into the session when done."""
    pending = st.session_state.get(PENDING)
    if pending is None:
        return
    if pending != cfg:  # the settings changed: nobody polls the old job any more, so it stops by itself
        del st.session_state[PENDING]
        return
    job = jobs.submit(f"batch-size {cfg!r}", _work(cfg, est), estimate_s=est.promise_s,
                      label="Batch-size experiment")
    try:
        result = jobs.show(job)
    except _Stopped as stopped:
        result = stopped.result
    except ValueError as exc:  # a batch the dataset cannot give, and the like: the sentence says what to change
        st.error(str(exc))
        del st.session_state[PENDING]
        return
    if result is not None:
        st.session_state[RESULT] = result
        del st.session_state[PENDING]


def _show(cfg: BatchSizeConfig, result: BatchSizeResult | None) -> None:
    if result is None:
        if st.session_state.get(PENDING) is None:
            st.info("Press **Run experiment** to train every point.", icon=":material/info:")
        return
    if result.config != cfg:
        st.caption("Showing the last run; the settings have changed since. Run again to update.")
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
