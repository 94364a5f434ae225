"""Regularization figures show what the core computed: the mask, the early stop, the ensemble, the verdicts."""

import numpy as np

from core.dropout import dropout_demo
from core.early_stopping import StopPoint
from core.ensembles import combine
from core.gradcheck import GradCheck
from core.train_loop import Curves
from viz.dropout import DROPPED, KEPT, curves_figure, mask_figure
from viz.ensembles import ENSEMBLE, ensemble_figure
from viz.gradcheck import FINE, SUSPICIOUS, WRONG, h_curve, tensor_errors, verdict


def test_mask_figure_colours_the_units_by_the_mask():
    demo = dropout_demo(np.linspace(0.1, 1.0, 12), 0.5, seed=3, n_masks=50)
    fig = mask_figure(demo)
    strip = fig.data[1]
    assert list(strip.marker.color) == [KEPT if k else DROPPED for k in demo.keep]
    assert f"{int(demo.keep.sum())} of 12 units kept" in fig.layout.annotations[0].text
    inverted_train = fig.data[2]
    assert np.allclose(inverted_train.y, demo.train["inverted"])


def _curves(val):
    val = np.asarray(val, dtype=float)
    return Curves(val * 0.5, val, 1 - val / 4, 1 - val / 4, None, 10)


def test_curves_figure_marks_best_epoch_and_stop():
    curves = {"plain": _curves([2, 1, 0.5, 0.6, 0.7]), "dropout": _curves([2, 1.2, 0.8, 0.6, 0.55])}
    stops = {"plain": StopPoint(2, 4, True), "dropout": StopPoint(4, 4, False)}
    fig = curves_figure(curves, stops)
    stars = [t for t in fig.data if t.marker is not None and t.marker.symbol == "star" and t.showlegend]
    assert [(s.x[0], s.y[0]) for s in stars] == [(2, 0.5), (4, 0.55)]
    assert len(fig.layout.shapes) == 2 and {s.x0 for s in fig.layout.shapes} == {4}  # only "plain" stopped


def test_ensemble_figure_has_k_members_and_the_ensemble():
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(3), size=(4, 30))
    res = combine(probs, rng.integers(0, 3, 30))
    bars = ensemble_figure(res).data[0]
    assert list(bars.x) == ["net 1", "net 2", "net 3", "net 4", "ensemble"]
    assert bars.marker.color[-1] == ENSEMBLE and bars.y[-1] == res.ensemble_acc


def test_gradcheck_figures_follow_the_verdicts():
    res = GradCheck(np.zeros(1), np.zeros(1), {"W1": 1e-9, "b1": 1e-6, "W2": 0.3, "b2": 0.0}, {})
    assert [verdict(e) for e in res.per_tensor.values()] == ["fine", "suspicious", "wrong", "fine"]
    bars = tensor_errors(res).data[0]
    assert list(bars.marker.color) == [FINE, SUSPICIOUS, WRONG, FINE] and min(bars.y) > 0  # 0 kept on the log axis
    fig = h_curve(np.array([1e-8, 1e-5, 1e-2]), {"float64": np.array([1e-6, 1e-10, 1e-4])}, 1e-5)
    assert any(s.x0 == 1e-5 and s.x1 == 1e-5 for s in fig.layout.shapes)


def test_gradcheck_axes_are_titled_in_the_json_the_browser_gets():
    """Figures built without validation pass layout keys through as written: plotly.js ignores `title_text`."""
    import json

    res = GradCheck(np.zeros(1), np.zeros(1), {"W1": 1e-9}, {})
    figs = [tensor_errors(res), h_curve(np.array([1e-8, 1e-5]), {"float64": np.array([1e-6, 1e-10])}, 1e-5)]
    for fig, (x, y) in zip(figs, [("parameter tensor", "relative error"), ("step h", "largest tensor error")],
                           strict=True):
        layout = json.loads(fig.to_json())["layout"]
        assert layout["xaxis"]["title"]["text"] == x and layout["yaxis"]["title"]["text"] == y
