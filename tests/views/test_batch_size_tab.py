"""AppTest of the batch-size experiment tab: the promise before it starts, a background job with Cancel, the
refusal above the budget, and captions that say what the computed points show."""

import time

import torch

from core.batch_size_experiment import BatchSizeConfig, BatchSizeResult
from tests.apptest import open_page
from views.histograms.batch_size import RESULT, claims
from views.ui import jobs

torch.set_num_threads(1)  # as app.py sets it
PAGE = "views/histograms/page.py"
TAB = "Batch-size experiment"


def _open(**query):
    return open_page(PAGE, timeout=120, query={"htab": TAB, **query})


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _wait_for_result(at, timeout=300.0):
    """Rerun the page (as the job's poller would) until this session holds the sweep's result."""
    end = time.monotonic() + timeout
    while RESULT not in at.session_state and time.monotonic() < end:
        time.sleep(1.0)
        at.run()
    assert RESULT in at.session_state, "the job did not finish"
    return at.session_state[RESULT]


def test_the_promise_is_shown_before_anything_runs():
    at = _open()
    assert not at.exception and not at.error
    assert at.radio(key="bs_net").value == "paper"
    promise = [c.value for c in at.caption if "networks ×" in c.value]
    assert promise and "21 networks × 150 steps: about" in promise[0] and "never takes longer" in promise[0]
    assert any("Press **Run experiment**" in i.value for i in at.info)


def test_run_trains_in_a_job_and_the_caption_reads_the_points():
    at = _open(bs_steps="50")
    _button(at, "Run experiment").click().run()
    assert not at.exception and not at.error
    assert any(p.value < 1.0 for p in at.get("progress")) or RESULT in at.session_state  # a bar while it runs
    result: BatchSizeResult = _wait_for_result(at)
    assert result.complete and result.config.steps == 50 and result.config.activation == "relu"
    shown = " ".join(m.value for m in at.markdown)
    assert claims(result) and all(c in shown for c in claims(result))
    assert at.get("plotly_chart")


def test_cancel_stops_the_job():
    at = _open(bs_steps="1000", bs_net="paper")  # the longest sweep the paper's net allows, if it fits
    if not any(b.label == "Run experiment" for b in at.button):  # refused on a slow machine: use what fits
        at = _open(bs_steps="300")
    _button(at, "Run experiment").click().run()
    running = [j for k, j in jobs._RUNNING.items() if k.startswith("batch-size")]
    assert running, "no job started"
    job = running[0]
    _button(at, "Cancel").click().run()
    assert job.done.wait(10), "the job kept running after Cancel"
    assert isinstance(job.error, jobs.Cancelled)
    assert any("cancelled" in i.value for i in at.info)


def test_a_sweep_over_the_budget_is_refused_with_the_nearest_setting():
    at = _open(bs_net="sidebar's network", depth="20", width="512", bs_steps="1000")
    warning = " ".join(w.value for w in at.warning)
    # The nearest setting depends on this machine's measured speed: fewer steps, else a narrower or shallower net.
    assert "would take about" in warning and warning.rstrip(".").endswith("fits"), warning
    assert "steps per run" in warning.lower() and ("**Width**" in warning or "**Depth**" in warning
                                                  or "**Steps per run** 50" in warning), warning
    assert not any(b.label == "Run experiment" for b in at.button)


def test_claims_follow_the_data_both_ways():
    cfg = BatchSizeConfig(batch_sizes=(2, 128), norms=("batch", "group"))

    def result(bn2, gn2):
        from core.batch_size_experiment import Cell

        cells = [Cell("batch", 2, bn2, bn2, 1.0, None), Cell("group", 2, gn2, gn2, 1.0, None),
                 Cell("batch", 128, 0.9, 0.9, 1.0, None), Cell("group", 128, 0.91, 0.91, 1.0, None)]
        return BatchSizeResult(cfg, tuple(cells))
    assert "group norm beats batch norm" in claims(result(0.2, 0.6))[0]
    assert "does not beat batch norm" in claims(result(0.8, 0.3))[0]
    assert "end level" in claims(result(0.5, 0.52))[0]
    assert claims(result(0.2, 0.6))[1] == "At batch 128: group norm 91%, batch norm 90%."


def test_the_default_settings_show_group_norm_beating_batch_norm_at_small_batches():
    """The caption's claim on the default view, computed: the radio's default network at the slider's default
    steps; batch 2 is where the curves part (every norm, seeds 0 to 2)."""
    from dataclasses import replace

    from core.batch_size_experiment import batch_size_experiment
    from views.histograms.batch_size import CLEAR, PAPER

    at = _open()
    assert at.radio(key="bs_net").value == "paper"
    steps = at.slider(key="bs_steps").value
    for seed in (0, 1, 2):
        cfg = replace(BatchSizeConfig(steps=steps, seed=seed, batch_sizes=(2,), norms=("batch", "group")), **PAPER)
        result = batch_size_experiment(cfg)
        gap = result.accuracy("group", 2) - result.accuracy("batch", 2)
        assert gap >= CLEAR, (seed, gap)  # the caption's margin (1 torch thread as app.py: seed 2 +6.7 pp)
        assert claims(result)[0].startswith("**At batch 2 group norm beats batch norm**")


def test_chart_axis_titles_reach_plotly_and_unrun_points_are_gaps():
    from core.batch_size_experiment import Cell
    from viz.theme import plain
    from viz.training_curves import batch_size_chart

    cfg = BatchSizeConfig(batch_sizes=(2, 4))
    partial = BatchSizeResult(cfg, tuple(Cell(n, 2, 0.5, 0.4, 1.0, None) for n in cfg.norms))  # batch 4 not run
    lay = plain(batch_size_chart(partial))["layout"]
    assert lay["xaxis"]["title"]["text"] == "batch size" and lay["yaxis"]["title"]["text"] == "test accuracy"
    y = batch_size_chart(partial).data[0].y
    assert y[0] == 0.5 and y[1] != y[1]  # nan: plotly leaves a gap
