"""Figures of the training-dynamics tabs: they draw the numbers of the run they are given."""

import numpy as np
import plotly.graph_objects as go
import pytest

from core.linear_regression import gd_variants, make_data
from core.lr_range import Curve, RangeTest, smooth
from viz.gd_variants import data_fit, gd_contour, gd_losses
from viz.lr_curves import LABEL_COLORS, loss_curves, range_plot

DATA = make_data(n=50, noise=0.5, seed=1)


def _names(fig):
    return [t.name for t in fig.data if t.showlegend is not False and t.name and t.type == "scatter"]


def test_contour_draws_each_variant_its_end_the_minimum_and_start():
    run = gd_variants(DATA, 5, steps=40, lr=0.1)
    ws, bs, z = DATA.grid(DATA.box((-1.0, 3.0)), 50)
    fig = gd_contour(ws, bs, z, run, DATA.minimum, (-1.0, 3.0))
    assert isinstance(fig, go.Figure)
    # The bowl is a picture under the paths (viz.contour_image), not a contour the browser re-traces on each tick.
    assert {t.type for t in fig.data} == {"scatter"}
    (bowl,) = fig.layout.images
    assert bowl.source.startswith("data:image/png;base64,") and bowl.layer == "below"
    assert (bowl.x, bowl.y, bowl.sizex, bowl.sizey) == (ws[0], bs[-1], ws[-1] - ws[0], bs[-1] - bs[0])
    assert _names(fig) == [*run.names, "least-squares minimum", "start"]
    lines = [t for t in fig.data if t.name in run.names and t.mode.startswith("lines")]
    np.testing.assert_allclose(lines[1].x[-1], run.points[-1, 1, 0])
    star = next(t for t in fig.data if t.name == "least-squares minimum")
    np.testing.assert_allclose([star.x[0], star.y[0]], DATA.minimum)
    w0, w1, b0, b1 = DATA.box((-1.0, 3.0))
    assert w0 < -1.0 < w1 and b0 < 3.0 < b1 and w0 < DATA.minimum[0] < w1 and b0 < DATA.minimum[1] < b1


@pytest.mark.parametrize("axis", ["steps", "epochs"])
def test_loss_gap_axis_and_divergence_cross(axis):
    run = gd_variants(DATA, 5, steps=60, lr=2.0, budget=axis)  # far above 2 / lambda_max: every variant blows up
    fig = gd_losses(run, float(DATA.value(DATA.minimum)), axis)
    crosses = [t for t in fig.data if t.marker is not None and t.marker.symbol == "x"]
    assert len(crosses) == sum(k is not None for k in run.diverged_at) > 0
    assert ("epoch" in fig.layout.xaxis.title.text) == (axis == "epochs")
    fine = gd_losses(gd_variants(DATA, 5, steps=60, lr=0.1), float(DATA.value(DATA.minimum)))
    gap = fine.data[0].y
    np.testing.assert_allclose(gap[0], DATA.value([-1.0, 3.0]) - DATA.value(DATA.minimum))


def test_data_fit_draws_the_final_lines():
    run = gd_variants(DATA, 5, steps=300, lr=0.2)
    fig = data_fit(DATA, run)
    full = next(t for t in fig.data if t.name == run.names[0])
    w, b = run.points[-1, 0]
    np.testing.assert_allclose(full.y, w * np.asarray(full.x) + b)


def _curve(lr, losses, diverged=None):
    losses = np.asarray(losses, float)
    return Curve(lr, losses, smooth(losses), diverged, 21)


def test_loss_curves_label_each_lr_and_mark_divergence():
    curves = {"good": _curve(0.1, np.linspace(2.3, 0.1, 50)),
              "very high": _curve(10.0, [2.3, 5.0] + [np.nan] * 48, diverged=3),
              "yours": _curve(0.05, np.linspace(2.3, 1.0, 50))}
    fig = loss_curves(curves)
    assert _names(fig) == ["good (lr 0.1)", "very high (lr 10): diverged at step 3", "yours (lr 0.05)"]
    bold = {t.name: t for t in fig.data if t.showlegend is not False}
    assert bold["good (lr 0.1)"].line.color == LABEL_COLORS["good"]
    assert bold["yours (lr 0.05)"].line.dash == "dash"
    cross = [t for t in fig.data if t.marker is not None and t.marker.symbol == "x"]
    assert len(cross) == 1 and cross[0].x[0] == 3
    assert "21 mini-batches" in fig.layout.xaxis.title.text


def test_range_plot_shades_three_regions_and_marks_the_chosen_rule():
    lrs = np.geomspace(1e-5, 10.0, 120)
    u = np.log10(lrs)
    losses = 2.3 - 2.0 / (1 + np.exp(-(u + 2) * 4)) + np.where(u > 0, 5 * u**2, 0.0)
    test = RangeTest(lrs, losses, losses, 120, "")
    fig = range_plot(test, "min/10", {"good": 1e-2, "far away": 1e3})
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    lo, best = test.regions()
    assert [(r.x0, r.x1) for r in rects] == [(lrs[0], lo), (lo, best), (best, lrs[-1])]
    chosen = [s for s in fig.layout.shapes if s.type == "line" and s.line.dash == "solid"]
    assert len(chosen) == 1 and chosen[0].x0 == pytest.approx(test.suggestion("min/10"))
    texts = [a.text for a in fig.layout.annotations]
    assert {"too low", "good", "too high"} <= set(texts) and texts.count("▼") == 1  # 1e3 is off the axis
