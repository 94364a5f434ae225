"""The smoothness and noisy-BN figures draw the result's numbers: bands, gaps where a net diverged, three nets."""

import numpy as np

from core.noisy_bn import NoisyConfig, NoisyResult
from core.smoothness import SmoothnessConfig, SmoothnessResult
from viz.histograms import NORMED, PLAIN
from viz.noisy_bn import NOISY, accuracy_drift, percentile_panels
from viz.smoothness import smoothness_figure


def _smooth() -> SmoothnessResult:
    rng = np.random.default_rng(0)
    losses = rng.uniform(0.1, 2.0, (2, 4, 3))
    change = rng.uniform(0.1, 5.0, (2, 4, 3))
    beta = rng.uniform(1, 10, (2, 4))
    losses[1, 3], change[1, 3], beta[1, 3] = np.nan, np.nan, np.nan  # the BN net diverged before the last record
    cfg = SmoothnessConfig(steps=40, record_every=10, probes=3)
    return SmoothnessResult(cfg, np.arange(0, 40, 10), cfg.etas, losses.mean(axis=2), losses, change, beta,
                            (None, 35))


def test_smoothness_figure_draws_band_predictiveness_and_beta():
    r = _smooth()
    fig = smoothness_figure(r)
    by_axis = {}
    for t in fig.data:
        by_axis.setdefault(t.xaxis or "x", []).append(t)
    assert sorted(by_axis) == ["x", "x2", "x3"]
    band = by_axis["x"]  # per net: lo, hi (filled down to lo), the loss at the point
    lo, hi = r.band
    assert np.allclose(band[0].y, lo[0]) and np.allclose(band[1].y, hi[0]) and band[1].fill == "tonexty"
    assert band[0].line.color == band[1].line.color == PLAIN and band[4].line.color == NORMED
    assert list(band[4].y)[-1] is None  # a diverged record is a gap, not a zero
    plo, phi = r.predictiveness
    pred = by_axis["x2"]
    assert np.allclose(pred[1].y, phi[0]) and np.allclose(pred[2].y[:3], plo[1, :3])
    beta = by_axis["x3"]
    assert np.allclose(beta[0].y, r.beta[0]) and beta[1].line.color == NORMED
    assert fig.layout.yaxis.type == fig.layout.yaxis2.type == "log" and fig.layout.yaxis3.type != "log"
    assert "0.5–4 × lr" in fig.layout.title.text and "3 probes" in fig.layout.title.text


def _noisy() -> NoisyResult:
    rng = np.random.default_rng(1)
    pct = np.sort(rng.normal(size=(3, 5, 2, 3, 4)), axis=3)
    cfg = NoisyConfig(steps=50, record_every=10)
    return NoisyResult(cfg, np.arange(0, 50, 10), rng.uniform(0.1, 2, (3, 5)), rng.uniform(0, 1, (3, 5)), pct,
                       (None, None, None))


def test_accuracy_and_drift_for_three_nets():
    r = _noisy()
    fig = accuracy_drift(r)
    acc = [t for t in fig.data if (t.xaxis or "x") == "x"]
    drift = [t for t in fig.data if t.xaxis == "x2"]
    assert [t.line.color for t in acc] == [PLAIN, NORMED, NOISY]
    for i in range(3):
        assert np.allclose(acc[i].y, r.accuracy[i]) and np.allclose(drift[i].y, r.drift_curve[i])


def test_percentile_panels_follow_one_unit_per_layer_and_net():
    r = _noisy()
    fig = percentile_panels(r, unit=2)
    assert len(fig.data) == 2 * 3 * 3  # layers x nets x three percentiles
    layer2_noisy = [t for t in fig.data if t.xaxis == "x6"]
    assert [t.line.color for t in layer2_noisy] == [NOISY] * 3
    for q, t in enumerate(layer2_noisy):
        assert np.allclose(t.y, r.percentiles[2, :, 1, q, 2])
    assert layer2_noisy[1].line.dash == "solid" and layer2_noisy[0].line.dash == "dot"
