"""Figures of the histogram page: they show the numbers of the snapshot they are given."""

from dataclasses import replace

import numpy as np
import plotly.graph_objects as go
import pytest

from core.batch_size_experiment import BatchSizeConfig, BatchSizeResult, Cell
from core.layer_stats import PairedTrainer, forward_stats
from viz.histograms import init_histograms, init_std_chart, inside, outline, pair_histograms, shown_layers
from viz.ridgeline import history_matrix, ridgeline, time_heatmap
from viz.training_curves import batch_size_chart, grad_norms, loss_accuracy, percentile_plot


@pytest.fixture(scope="module")
def pair():
    p = PairedTrainer(dataset="moons", depth=3, width=16, activation="tanh", lr=0.1, batch_size=30,
                      record_every=5)
    p.step(40)
    return p


@pytest.mark.parametrize("kind", ["pre", "post", "grad"])
def test_pair_histograms_draw_each_layer_of_both_nets_in_two_panels(pair, kind):
    snap = pair.history.last
    fig = pair_histograms(snap, kind, ("plain", "BN"))
    rows = [t for t in fig.data if t.fill == "toself"]  # one filled outline per net, a closed step per layer
    assert isinstance(fig, go.Figure) and len(rows) == 2 and {t.xaxis for t in rows} == {"x", "x2"}
    shares = np.asarray(rows[1].customdata)  # (vertices, 2): share of the vertex's bin, layer number
    for i, layer in enumerate(snap.normed.layers):
        tops = shares[shares[:, 1] == i + 1, 0][1:-2:2]  # each bar's left top corner
        np.testing.assert_allclose(tops, inside(layer.hist(kind), snap.outside[1][
            ["pre", "post", "grad"].index(kind), i]), atol=1e-6)
    assert f"step {snap.step}" in fig.layout.title.text


def test_one_fixed_x_range_per_net_over_layers_and_time(pair):
    first, last = list(pair.history)[0], pair.history.last
    a, b = pair_histograms(first, "pre"), pair_histograms(last, "pre")
    assert a.layout.xaxis.range == b.layout.xaxis.range and a.layout.xaxis.autorange is False
    edges = last.plain.layers[0].pre.edges
    lo, hi = a.layout.xaxis.range
    assert lo < edges[0] and hi > edges[-1] and hi - lo < 1.5 * (edges[-1] - edges[0])


def test_mean_and_std_sit_beside_the_rows_not_on_the_bars(pair):
    snap = pair.history.last
    fig = pair_histograms(snap, "pre")
    labels = " ".join(fig.layout.yaxis.ticktext)
    assert "μ" in labels and "σ" in labels and "layer 3" in labels
    assert all(a.yref == "paper" for a in fig.layout.annotations)  # only the panel titles: nothing over the plots


def test_values_outside_the_range_are_markers_not_edge_bars(pair):
    snap = pair.history.last
    outside = np.zeros((3, 3, 2))
    outside[0, 2] = 0.3, 0.1  # pre-activations of layer 3: 30% below the range, 10% above
    clipped = replace(snap, outside=(outside, np.zeros((3, 3, 2))))
    counts = snap.plain.layers[2].pre.counts.copy()
    counts[0], counts[-1] = counts[0] + 0.3, counts[-1] + 0.1  # as the histogram clamps them into the end bins
    clipped = replace(clipped, plain=replace(snap.plain, layers=(*snap.plain.layers[:2], replace(
        snap.plain.layers[2], pre=replace(snap.plain.layers[2].pre, counts=counts)))))
    fig = pair_histograms(clipped, "pre")
    marks = [t for t in fig.data if t.mode == "markers+text"]
    assert len(marks) == 1 and list(marks[0].text) == ["30%", "10%"]
    shares = np.asarray(fig.data[0].customdata)
    row = shares[shares[:, 1] == 3, 0][1:-2:2]
    np.testing.assert_allclose([row[0], row[-1]], [snap.plain.layers[2].pre.counts[0],
                                                   snap.plain.layers[2].pre.counts[-1]], atol=1e-6)


def test_an_outline_is_the_bars_it_replaces():
    x, y, share = outline(np.array([0.0, 1, 2, 3]), np.array([0.1, 0.5, 0.2]), 2.0, np.array([0.2, 0.5, 0.3]))
    np.testing.assert_array_equal(x[:-1], [0, 0, 1, 1, 2, 2, 3, 3])
    np.testing.assert_allclose(y[:-1], [2, 2.1, 2.1, 2.5, 2.5, 2.2, 2.2, 2])  # up, across each top, down
    np.testing.assert_allclose(share[:-1], [0.2, 0.2, 0.2, 0.5, 0.5, 0.3, 0.3, 0.3])
    assert np.isnan(x[-1]) and np.isnan(y[-1])  # a gap: the next row is a shape of its own


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
    sparse = [replace(s, evaluated=s.step % 10 == 0) for s in snaps]  # a costly pair evaluates less often
    assert list(loss_accuracy(sparse).data[3].x) == [s.step for s in snaps if s.step % 10 == 0]
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
