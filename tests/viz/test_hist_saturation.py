"""Overlay, all-layers and saturation figures: they draw the numbers of the snapshots they are given."""

import numpy as np
import pytest

from core.layer_stats import PairedTrainer
from viz.hist_overlay import density_line, overlay_histograms, step_overlay
from viz.saturation import metric_matrix, saturation_chart, saturation_rows


@pytest.fixture(scope="module")
def pair():
    p = PairedTrainer(dataset="moons", depth=7, width=16, activation="relu", init="he", lr=0.1, batch_size=30,
                      record_every=5)
    p.step(40)
    return p


def test_density_line_integrates_to_one(pair):
    h = pair.snapshot().plain.layers[0].pre
    t = density_line(h, "#0072B2", "x", 0)
    assert t["line_shape"] == "hv" and len(t["x"]) == len(t["y"]) == len(h.edges)
    assert float(np.sum(t["y"][:-1] * np.diff(h.edges))) == pytest.approx(float(h.counts.sum()), rel=1e-5)


def test_nets_overlay_and_all_layers_grid(pair):
    snap = pair.snapshot()
    fig = overlay_histograms(snap, "post", ("a", "b"), layers=[0, 6])
    assert len(fig.data) == 4 and {t.xaxis for t in fig.data} == {"x", "x2"}
    np.testing.assert_allclose(fig.data[3].x, snap.normed.layers[6].post.edges)
    grid = overlay_histograms(snap, "pre", ("a", "b"), range(7), cols=5)
    assert len(grid.data) == 14 and grid.layout.height > fig.layout.height  # two rows of panels
    notes = " ".join(a.text for a in grid.layout.annotations)
    assert "layer 7" in notes and f"sat {snap.plain.layers[6].saturated:.0%}" in notes


def test_step_overlay_older_steps_fainter(pair):
    snaps = list(pair.history)
    fig = step_overlay(snaps, "pre", ("a", "b"), layers=[0], lines=3)
    assert len(fig.data) == 2 * 3
    alphas = [float(t.line.color.rsplit(",", 1)[1].rstrip(")")) for t in fig.data[:3]]
    assert alphas == sorted(alphas) and alphas[-1] == 1.0
    assert f"steps 0, {snaps[len(snaps) // 2].step}, {snaps[-1].step}" in fig.layout.title.text


@pytest.mark.parametrize("metric", ["saturated", "dead", "std"])
def test_saturation_chart_shows_each_layer_over_time(pair, metric):
    snaps = list(pair.history)
    steps, values = metric_matrix(snaps, "normed", metric)
    assert values.shape == (7, len(snaps)) and list(steps) == pair.history.steps
    fig = saturation_chart(snaps, metric, ("a", "b"))
    np.testing.assert_allclose(fig.data[0].y, [getattr(la, metric) for la in snaps[-1].plain.layers])
    np.testing.assert_allclose(np.asarray(fig.data[3].customdata), values)
    rows = saturation_rows(snaps[-1], ("a", "b"))
    assert rows[2]["sat % · a"] == pytest.approx(100 * snaps[-1].plain.layers[2].saturated)
    assert rows[6]["std · b"] == snaps[-1].normed.layers[6].std
