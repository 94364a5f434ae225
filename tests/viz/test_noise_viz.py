"""The faint noise bundle on the contour and the small lr-schedule chart."""

import numpy as np

from core.schedules import lrs
from viz.contours import bundle_traces, contour
from viz.schedule import schedule_chart


def _runs():
    a = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    b = np.array([[0.0, 0.0], [1.0, -1.0], [np.nan, np.nan]])  # diverged at step 2
    return [a, b]


def test_bundle_is_one_faint_line_with_a_break_per_run_and_the_end_points():
    line, dots = bundle_traces("SGD", _runs(), 2)
    x = np.asarray(line["x"], dtype=float)
    assert np.isnan(x).sum() == 2 and len(x) == 3 + 2 + 2  # finite rows of each run, one NaN break after each
    assert line["opacity"] < 0.5 and line["line"]["width"] < 2 and line["legendgroup"] == "SGD"
    np.testing.assert_array_equal(np.c_[dots["x"], dots["y"]], [[2.0, 2.0], [1.0, -1.0]])  # where each run ends


def test_no_runs_no_traces_and_contour_draws_bundles_under_the_bold_paths():
    assert bundle_traces("SGD", [], 0) == []
    xs = ys = np.linspace(-1, 1, 5)
    z = xs[None, :] ** 2 + ys[:, None] ** 2
    paths = {"SGD": _runs()[0], "Adam": _runs()[0]}
    fig = contour(xs, ys, z, paths, np.zeros((1, 2)), (0.0, 0.0), pick=0, bundle={"SGD": _runs()})
    names = [t.name for t in fig.data]
    assert names.index("SGD (other seeds)") < names.index("SGD") and "Adam (other seeds)" not in names
    plain = contour(xs, ys, z, paths, np.zeros((1, 2)), (0.0, 0.0), pick=0)
    assert len(fig.data) == len(plain.data) + 2


def test_schedule_chart_plots_the_factor_per_step():
    f = lrs("cosine", 1.0, 100, T_max=100)
    fig = schedule_chart(f)
    np.testing.assert_array_equal(fig.data[0].y, f)
    assert fig.data[0].x[0] == 1 and fig.data[0].x[-1] == 100
    assert fig.layout.yaxis.range[1] >= 1.0
