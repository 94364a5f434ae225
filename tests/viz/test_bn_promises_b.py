"""Figures of promises 3 and 4 draw what the core computed: the gaps, the divergences, the loss curves, the bias
gradient against its rounding bound on a log axis (an exact zero drawn at the floor, its hover the true 0)."""

import numpy as np

from core.bn_promises.bias import EPS64, BiasConfig, BiasResult
from core.bn_promises.regularization import VARIANTS, GapCurve, RegularizationConfig, RegularizationResult
from viz.bn_promises_b import FLOOR, bias_figure, gap_figure
from viz.histograms import NORMED, PLAIN


def _reg(diverged=None) -> RegularizationResult:
    step = np.array([0, 20, 40])
    curves = []
    for k, (name, norm, drop) in enumerate(VARIANTS):
        train = np.array([0.1, 0.8, 1.0])
        test = np.array([0.1, 0.6, 0.7 + 0.05 * k])
        if name == diverged:
            train[-1] = test[-1] = np.nan
        curves.append(GapCurve(name, norm, 0.5 if drop else 0.0, step, train, test, 30 if name == diverged else None))
    return RegularizationResult(RegularizationConfig(), tuple(curves), 450, 40)


def test_gap_figure_draws_each_variants_gap_and_test_accuracy():
    r = _reg()
    fig = gap_figure(r)
    gaps = [t for t in fig.data if t.xaxis == "x"]
    tests = [t for t in fig.data if t.xaxis == "x2"]
    assert [t.name for t in gaps] == [v[0] for v in VARIANTS]
    for t, c in zip(gaps, r.curves, strict=True):
        assert np.allclose(t.y, c.train_acc - c.test_acc)
        assert t.line.color == (NORMED if c.norm == "batch" else PLAIN)
        assert t.line.dash == ("dash" if c.dropout else "solid")
    assert np.allclose(tests[2].y, r.curve("BN").test_acc)
    assert "50 training examples" in fig.layout.title.text
    assert not fig.layout.shapes


def test_a_diverged_variant_is_named_and_marked():
    fig = gap_figure(_reg(diverged="plain"))
    assert fig.data[0].name == "plain (diverged at step 30)"
    assert {s.x0 for s in fig.layout.shapes} == {30} and len(fig.layout.shapes) == 2


def _bias(n=5) -> BiasResult:
    grad = np.array([0.0, 1e-17, 5e-17, 2e-17, 1e-18])[:n]
    return BiasResult(BiasConfig(), np.linspace(2.3, 1.0, n), np.linspace(2.3, 1.0, n) + 1e-16, np.full(n, 1e-15),
                      grad, np.full(n, 0.1), np.array([0, 4]), np.array([1e-2, 1e-6]), 0.0, 0.0, None, n)


def test_bias_figure_overlays_the_losses_and_floors_zeros_on_the_log_axis():
    r = _bias()
    fig = bias_figure(r)
    by = {t.name: t for t in fig.data}
    assert np.allclose(by["with the linear bias"].y, r.loss_with) and np.allclose(by["without it"].y, r.loss_without)
    assert list(by["with the linear bias"].x) == [1, 2, 3, 4, 5]
    g = by["max |∂L/∂b| (pre-BN bias)"]
    assert g.y[0] == FLOOR and g.customdata[0] == 0.0 and g.y[2] == 5e-17
    tol = by["rounding bound n·ε·Σ|∂L/∂z|"]
    assert np.allclose(tol.y, 60 * EPS64 * 0.1)
    assert list(by["max |Δ output|, eval mode"].x) == [0, 4]
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis2.type == "log"
    assert g.xaxis == "x2" and by["without it"].xaxis == "x"
