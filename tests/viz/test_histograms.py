"""Figures of the histogram page: they show the numbers of the snapshot they are given."""

import numpy as np
import plotly.graph_objects as go
import pytest

from core.batch_size_experiment import BatchSizeConfig, BatchSizeResult, Cell
from core.layer_stats import PairedTrainer, forward_stats
from viz.histograms import init_histograms, init_std_chart, pair_histograms, shown_layers
from viz.ridgeline import history_matrix, ridgeline, time_heatmap
from viz.training_curves import batch_size_chart, grad_norms, loss_accuracy, percentile_plot


@pytest.fixture(scope="module")
def pair():
    p = PairedTrainer(dataset="moons", depth=3, width=16, activation="tanh", lr=0.1, batch_size=30,
                      record_every=5)
    p.step(40)
    return p


@pytest.mark.parametrize("kind", ["pre", "post", "grad"])
def test_pair_histograms_draw_each_layer_of_both_nets(pair, kind):
    snap = pair.snapshot()
    fig = pair_histograms(snap, kind, ("plain", "BN"))
    assert isinstance(fig, go.Figure) and len(fig.data) == 6
    np.testing.assert_allclose(fig.data[4].y, snap.normed.layers[1].hist(kind).counts)
    assert f"step {snap.step}" in fig.layout.title.text


def test_shown_layers_keeps_first_and_last():
    assert shown_layers(3) == [0, 1, 2]
    s = shown_layers(20)
    assert s[0] == 0 and s[-1] == 19 and len(s) <= 8


def test_time_views_follow_the_history(pair):
    snaps = list(pair.history)
    steps, centers, z = history_matrix(snaps, "plain", "pre", 2)
    assert z.shape == (len(snaps), len(centers)) and list(steps) == pair.history.steps
    heat = time_heatmap(snaps, "pre", 2)
    np.testing.assert_allclose(np.asarray(heat.data[0].customdata).T, z)
    ridge = ridgeline(snaps, "post", 0, lines=5)
    assert len(ridge.data) == 2 * min(5, len(snaps))


def test_curves_percentiles_and_grad_norms(pair):
    snaps = list(pair.history)
    fig = loss_accuracy(snaps, diverged_at=41)
    np.testing.assert_allclose(fig.data[3].y, [s.normed.test_accuracy for s in snaps])
    assert fig.layout.shapes[0].x0 == 41
    pct = percentile_plot(snaps, unit=3)
    np.testing.assert_allclose(pct.data[1].y, [s.plain.unit_percentiles[1, 3] for s in snaps])
    g = grad_norms(snaps[-1])
    np.testing.assert_allclose(g.data[0].y, [lay.grad_norm for lay in snaps[-1].plain.layers])


def test_init_lab_figures():
    stats = forward_stats(depth=4, width=50, samples=100)
    fig = init_histograms(stats, "tanh")
    assert len(fig.data) == 4
    std = init_std_chart({"xavier": [s.std for s in stats]}, {}, "tanh")
    np.testing.assert_allclose(std.data[0].y, [s.std for s in stats])


def test_batch_size_chart_lines():
    cfg = BatchSizeConfig(batch_sizes=(2, 4))
    cells = tuple(Cell(n, b, 0.5, 0.4, 1.0, None) for n in cfg.norms for b in cfg.batch_sizes)
    fig = batch_size_chart(BatchSizeResult(cfg, cells))
    assert len(fig.data) == 4 and list(fig.data[1].y) == [0.4, 0.4]
