"""Figures of the activations page: the traces carry the core's numbers, lines lie on their hyperplanes."""

import numpy as np
import pytest

from core.activation_stats import depth_products, explore, push_gaussian
from core.preprocessing import correlated_pixels, hyperplane_cuts, preprocess, random_hyperplanes
from viz.activations import depth_chart, explorer_chart, push_chart
from viz.preprocessing import _box, _mosaic, _segment, digits_mosaic, scatter_panels


def _named(fig, name):
    return [t for t in fig.data if t.name == name]


@pytest.mark.parametrize(("name", "shaded"), [("sigmoid", 2), ("relu", 1), ("maxout", 0), ("gelu", 2)])
def test_explorer_draws_f_df_and_one_rectangle_per_saturation_interval(name, shaded):
    e = explore(name, 0.0, 1.0, 0.1)
    fig = explorer_chart(e, name, 0.1)
    assert len(_named(fig, "saturated")) == shaded
    for trace, want in ((_named(fig, "f(x)")[0], e.f), (_named(fig, "f′(x)")[0], e.df)):
        assert trace.y.dtype == np.float32  # half the bytes of a tick; 7 digits where hovers show 4
        np.testing.assert_allclose(trace.y, want, rtol=1e-6, atol=1e-30)
    assert f"max |f′| = {e.peak:.3g}" in [t for t in fig.data if t.mode == "markers+text"][0].text[0]


def test_push_and_depth_charts_show_the_samples_moments_and_hide_zero_products():
    p = push_gaussian("relu", 0.0, 1.0)
    notes = " ".join(a.text for a in push_chart(p, "ReLU").layout.annotations)
    assert f"mean {p.out.mean:.3g}" in notes and "exactly 0: 50" in notes
    d = depth_products("relu", 0.0, 1.0, 10)
    fig = depth_chart(d, "ReLU")
    median = np.asarray(_named(fig, "median path")[0].y, dtype=float)
    assert np.isnan(median[-1]) and _named(fig, "paths with ∏ = 0")  # 0 is not drawn on a log axis


def test_segments_lie_on_their_line_inside_the_box():
    rng = np.random.default_rng(0)
    box = (-1.0, 2.0, -0.5, 2.5)
    drawn = 0
    for _ in range(200):
        w, b = rng.normal(size=2), rng.normal()
        s = _segment(w, b, box)
        if s is None:
            continue
        drawn += 1
        for x, y in ((s[0], s[2]), (s[1], s[3])):
            assert abs(w @ [x, y] + b) < 1e-9
            assert box[0] - 1e-9 <= x <= box[1] + 1e-9 and box[2] - 1e-9 <= y <= box[3] + 1e-9
    assert drawn > 50
    assert _segment(np.array([1.0, 0.0]), -5.0, box) is None  # x = 5 misses the box


def test_scatter_panels_title_the_cut_counts_and_keep_the_origin_in_view():
    x = correlated_pixels(200, 0.9, seed=0)
    w, b = random_hyperplanes(20, 2, seed=0)
    panels = [(k, preprocess(x, k).x, hyperplane_cuts(preprocess(x, k).x, w, b)) for k in ("raw", "center")]
    fig = scatter_panels(panels, w, b)
    titles = [a.text for a in fig.layout.annotations]
    assert any(f"{panels[0][2].counts[0]}/20 cut" in t for t in titles)
    x0, x1, y0, y1 = _box(x)
    assert x0 < 0 < x1 and y0 < 0 < y1 and x1 - x0 == pytest.approx(y1 - y0)


def test_mosaic_separates_images_with_nan_columns():
    imgs = np.arange(3 * 64, dtype=float).reshape(3, 8, 8)
    m = _mosaic(imgs)
    assert m.shape == (8, 26) and np.isnan(m[:, 8]).all() and np.isnan(m[:, 17]).all()
    np.testing.assert_array_equal(m[:, 18:], imgs[2])
    fig = digits_mosaic([("raw", imgs, False), ("zca", imgs - 100, True)], [0, 1, 2])
    assert len(fig.data) == 2 and fig.data[1].zmid == 0.0


def test_digit_figures_build_and_name_what_they_hide():
    from core.preprocessing import active_shares, digits_whitening
    from viz.preprocessing import active_share_chart, covariance_pair, spectrum_chart

    d = digits_whitening(0.1)
    fig = spectrum_chart(d.mean_image, d.eigenvalues, 0.1)
    assert "3 with zero variance not drawn" in fig.layout.xaxis2.title.text
    assert np.isnan(np.asarray(fig.data[1].y, dtype=float)[-3:]).all()
    assert len(covariance_pair(d.sets["raw"].cov, d.sets["zca"].cov, ("a", "b")).data) == 2
    w, b = random_hyperplanes(10, 64, seed=0)
    chart = active_share_chart({"Raw": active_shares(d.sets["raw"].x, w, b)}, 10, 1797)
    assert chart.layout.xaxis.title.text.startswith("share of the images") and chart.data[0].name == "Raw"
