"""Init lab's std chart: the legend sits under the plot, apart from the title, and the axis titles reach plotly.js."""

import torch

from views.histograms.config import LabConfig
from views.histograms.init_lab import LEGEND_ROWS_PX, _std_chart
from viz.theme import plain

torch.set_num_threads(1)  # as app.py sets it


def _spec() -> dict:
    return plain(_std_chart(LabConfig("tanh", "xavier", "none", 0)))


def _band(height: float, y: float, anchor: str, size_px: float) -> tuple[float, float]:
    """(bottom, top) in pixels from the figure's bottom of a box anchored at container fraction ``y``."""
    at = y * height
    return {"top": (at - size_px, at), "bottom": (at, at + size_px), "middle": (at - size_px / 2, at + size_px / 2)}[
        anchor]


def test_legend_and_title_do_not_overlap():
    lay = _spec()["layout"]
    h = lay["height"]
    legend, title = lay["legend"], lay["title"]
    assert legend.get("yref") == "container" and title.get("yref", "container") == "container"
    # Six entries take at most three rows of ~22 px, the title one line of its font size.
    leg = _band(h, legend["y"], legend.get("yanchor", "bottom"), 3 * 22)
    tit = _band(h, title["y"], title.get("yanchor", "top"), 1.5 * title["font"]["size"])
    assert leg[1] <= tit[0], (leg, tit)
    # ...and the legend stays in the bottom margin, under the plot and its axis title.
    assert leg[1] <= lay["margin"]["b"] == LEGEND_ROWS_PX


def test_axis_titles_are_sent_as_text():
    lay = _spec()["layout"]
    assert lay["xaxis"]["title"]["text"] == "layer"
    assert lay["yaxis"]["title"]["text"] == "std (log scale)"
    assert len(lay["title"]["text"]) <= 30  # fits the two-fifths column at 1024 px
