"""The Keras tab's chart draws the per-feature statistics of the comparison it is given, panel by panel."""

import numpy as np
import pytest
import torch

from core.keras_compare import FAMILIES, compare, feature_batches
from viz.grid_layout import ref
from viz.keras_bn import keras_figure

torch.set_num_threads(1)  # as app.py sets it: on a busy 2-core machine a second thread only waits


@pytest.fixture(scope="module")
def cmp():
    return compare(*feature_batches("synthetic", 4, 8, 5, seed=2), momentum=0.9)


@pytest.mark.parametrize("affine", [False, True])
def test_each_panel_draws_each_implementations_mean_or_std(cmp, affine):
    fig = keras_figure(cmp, affine)
    assert len(fig.data) == 16
    assert [t.name for t in fig.data if t.showlegend] == list(FAMILIES)
    panels = [(phase, stat) for phase in ("train", "eval") for stat in ("mean", "std")]
    for k, (phase, stat) in enumerate(panels):
        traces = [t for t in fig.data if t.xaxis == ref("x", k)]
        assert [t.name for t in traces] == list(FAMILIES)
        for t in traces:
            out = cmp.output(t.name, phase)
            np.testing.assert_array_equal(t.y, out.mean(affine) if stat == "mean" else out.std(affine))
            np.testing.assert_array_equal(t.x, np.arange(5))
            assert t.yaxis == ref("y", k) and f"{stat} " in t.hovertemplate
    titles = [a.text for a in fig.layout.annotations]
    assert titles[0] == "<b>training batch k (train mode): mean</b>"
    assert titles[3] == "<b>held-out batch (eval / test mode): std</b>"
    assert f"after k = {cmp.k} training batches" in fig.layout.title.text
    assert ("initial γ, β" in fig.layout.title.text) == affine


def test_the_initial_gamma_only_rescales_keras(cmp):
    before, after = keras_figure(cmp, False), keras_figure(cmp, True)
    for b, a in zip(before.data, after.data, strict=True):
        if b.name.startswith("Keras") and "std" in b.hovertemplate:
            np.testing.assert_allclose(a.y, np.abs(cmp.gamma) * b.y, rtol=1e-12)
        elif not b.name.startswith("Keras"):
            np.testing.assert_array_equal(a.y, b.y)  # the paper and torch start at gamma = 1, beta = 0
