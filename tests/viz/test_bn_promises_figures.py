"""The figures of batch norm's promises 1 and 2 say what their results hold: points, bands, divergences."""

import numpy as np

from core.bn_promises.common import TRAINED, Setup
from core.bn_promises.init_dependence import InitDependenceConfig, InitDependenceResult
from core.bn_promises.lr_tolerance import LrToleranceConfig, LrToleranceResult
from viz.bn_promises import init_heatmaps, lr_band_chart


def _lr_result(steps_done=5):
    cfg = LrToleranceConfig(setup=Setup(steps=5), lrs=(0.1, 1.0, 10.0))
    acc = np.array([[0.9, 0.95, np.nan], [0.85, 0.96, 0.97]])
    return LrToleranceResult(cfg, acc, ((None, None, 3), (None, None, None)), steps_done)


def test_the_lr_chart_draws_each_net_its_divergence_and_its_band():
    fig = lr_band_chart(_lr_result())
    lines = [t for t in fig.data if t.mode == "lines+markers"]
    assert [t.name for t in lines] == ["No normalization", "Batch norm"]
    assert list(lines[1].y) == [0.85, 0.96, 0.97]
    gone = [t for t in fig.data if t.name.endswith("diverged")]
    assert len(gone) == 1 and list(gone[0].x) == [10.0] and list(gone[0].text) == ["diverged at step 3"]
    bars = [s for s in fig.layout.shapes if s.type == "rect"]
    # plain trains at 0.1 and 1, BN at all three: each bar runs half a grid step past its ends (data units)
    assert [round(b.x0, 4) for b in bars] == [round(0.1 / 10 ** 0.5, 4)] * 2
    assert [round(b.x1, 3) for b in bars] == [round(10 ** 0.5, 3), round(10 * 10 ** 0.5, 3)]
    assert any(s.type == "line" and s.y0 == TRAINED for s in fig.layout.shapes)
    assert fig.layout.xaxis.type == "log" and fig.layout.xaxis.title.text == "learning rate (SGD)"
    assert "after 5 steps" in fig.layout.title.text
    assert "at step 2 of 5" in lr_band_chart(_lr_result(2)).layout.title.text


def test_the_heatmaps_hold_each_cell_and_say_diverged():
    cfg = InitDependenceConfig(setup=Setup(steps=5), inits=("he", "normal_1"), activations=("relu",))
    acc = np.array([[[0.9, np.nan]], [[0.95, 0.97]]])
    r = InitDependenceResult(cfg, acc, (((None, 4),), ((None, None),)), 5)
    maps = [t for t in init_heatmaps(r).data if t.type == "heatmap"]
    assert len(maps) == 2 and list(maps[0].x) == ["he", "normal_1"] and list(maps[0].y) == ["relu"]
    assert [list(row) for row in maps[0].text] == [["90%", "✕"]]
    assert [list(row) for row in maps[0].customdata] == [["90.0%", "diverged at step 4"]]
    assert [list(row) for row in maps[1].text] == [["95%", "97%"]]
    assert maps[0].zmin == 0.0 and maps[1].zmax == 1.0
