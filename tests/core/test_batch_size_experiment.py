"""The batch-size sweep: smallest batches first, progress every few steps, cancel and deadline stop it promptly."""

import time
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from core.batch_size_experiment import TICK_STEPS, BatchSizeConfig, batch_size_experiment, cell_order, run_cell

torch.set_num_threads(1)  # as app.py sets it: on a busy 2-core machine a second intra-op thread only waits

CFG = BatchSizeConfig(dataset="moons", depth=2, width=16, steps=30, batch_sizes=(16, 2, 4), lr=0.1)


def test_cells_run_smallest_batch_first_for_every_norm():
    assert cell_order(CFG)[:3] == [("batch", 2), ("group", 2), ("none", 2)]
    assert [b for _, b in cell_order(CFG)] == [2, 2, 2, 4, 4, 4, 16, 16, 16]


def test_ticks_report_a_rising_fraction_that_ends_near_one():
    seen = []
    res = batch_size_experiment(CFG, tick=lambda f, text: seen.append((f, text)))
    fractions = [f for f, _ in seen]
    # Every TICK_STEPS steps, once before the evaluation, and between groups of batch-statistics test batches.
    assert res.complete and len(seen) > 9 * (CFG.steps // TICK_STEPS + 1)
    assert (np.diff(fractions) > -1e-12).all() and fractions[0] == 0 and fractions[-1] == pytest.approx(1)
    assert seen[0][1] == "batch norm, batch 2 (1/9)"


def test_weights_make_the_fraction_follow_the_expensive_cells():
    weights = {c: (10.0 if c[1] == 16 else 1.0) for c in cell_order(CFG)}  # batch 16: 10x the others
    seen = []
    batch_size_experiment(CFG, tick=lambda f, text: seen.append((f, text)), weights=weights)
    first_16 = next(f for f, text in seen if "batch 16" in text)
    assert first_16 == pytest.approx(6 / 36)


def test_an_exception_from_tick_cancels_within_one_tick():
    calls = []

    def tick(fraction, text):
        calls.append(fraction)
        if len(calls) == 4:
            raise KeyboardInterrupt  # what a cancelled job's progress.update raises, in spirit
    with pytest.raises(KeyboardInterrupt):
        batch_size_experiment(CFG, tick=tick)
    assert len(calls) == 4  # nothing trained past the tick that raised


def test_a_deadline_already_passed_trains_nothing():
    res = batch_size_experiment(CFG, stop_at=time.monotonic() - 1)
    assert res.cells == () and not res.complete


def test_deadline_stops_with_the_finished_cells(monkeypatch):
    import core.batch_size_experiment as bse

    finished = []  # a clock that passes the deadline once three cells are done
    clock = SimpleNamespace(monotonic=lambda: 10.0 if len(finished) >= 3 else 0.0)
    monkeypatch.setattr(bse, "time", clock)
    res = batch_size_experiment(CFG, progress=lambda i, n: finished.append(i), stop_at=5.0)
    assert [(c.norm, c.batch_size) for c in res.cells] == cell_order(CFG)[:3] and not res.complete
    # Batch 2 (the config's second batch size) has every norm; the rest is nan, which the chart leaves out.
    assert np.isnan(res.curve("batch")[[0, 2]]).all() and np.isfinite(res.curve("batch")[1])
    assert res.drawn(("batch", "group")) == [2]


def test_batch_statistics_evaluated_in_groups_equal_the_whole_pass():
    from core.batch_size_experiment import EVAL_BATCHES, _batch_stats_accuracy
    from core.datasets import load
    from core.net_recorder import accuracy
    from core.networks import NetSpec, build

    split = load("digits")
    net = build(NetSpec(64, 10, 2, 16, "relu", "he", "batch"), 0)
    x, y = torch.from_numpy(split.x_test), torch.from_numpy(split.y_test)
    ticks = []
    for b in (2, 3, 7):
        got = _batch_stats_accuracy(net, x, y, b, lambda step: ticks.append(step), 0)
        assert got == pytest.approx(accuracy(net, x, y, batch_stats=b), abs=1e-12)
    assert len(ticks) >= len(x) // (7 * EVAL_BATCHES)


def test_only_batch_norm_pays_for_the_batch_statistics_evaluation():
    cell = run_cell(CFG, "group", 4)
    assert cell.accuracy_batch == cell.accuracy_running
    assert run_cell(CFG, "batch", 4) == run_cell(CFG, "batch", 4)  # seeded
