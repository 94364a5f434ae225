"""The noisy-BN experiment (Santurkar et al., Fig. 2): accuracy and percentile drift of plain, BN and noisy BN."""

from __future__ import annotations

import plotly.graph_objects as go

from viz.grid_layout import axis_name, grid, ref
from viz.histograms import NORMED, PLAIN
from viz.smoothness import with_gaps
from viz.theme import figure

NOISY = "#CC79A7"  # Okabe-Ito reddish purple: apart from the plain (vermillion) and normalized (blue) nets
NAMES = ("No normalization", "Batch norm", "Batch norm + noise")
COLORS = (PLAIN, NORMED, NOISY)


def _line(x, y, color: str, name: str, k: int, show: bool, **line) -> dict:
    return dict(type="scatter", mode="lines", x=x, y=with_gaps(y), name=name, legendgroup=name, showlegend=show,
                line=dict(color=color, width=3, **line), xaxis=ref("x", k), yaxis=ref("y", k))


def accuracy_drift(result) -> go.Figure:
    """Left: held-out accuracy of the three nets over training; right: their drift(t), the mean distance the
    per-unit 15/50/85th percentiles of the pre-activations moved since step 0."""
    steps = result.steps.tolist()
    lay, data = grid(1, 2, hspace=0.09, col_titles=["test accuracy", "percentile drift since step 0"]), []
    for i, (color, name) in enumerate(zip(COLORS, NAMES, strict=True)):
        data.append(_line(steps, result.accuracy[i], color, name, 0, True))
        data.append(_line(steps, result.drift_curve[i], color, name, 1, False))
    lay["yaxis"].update(range=[0, 1.02], tickformat=".0%")
    for k in (0, 1):
        lay[axis_name("x", k)].update(title_text="step")
    fig = figure(data, lay, 380, "Accuracy and distribution drift")
    fig.layout.legend.update(y=0.0, yanchor="bottom", x=0.5, xanchor="center")
    fig.layout.margin.b = 80
    return fig


def percentile_panels(result, unit: int = 0) -> go.Figure:
    """Rows: hidden layers; columns: the three nets. 15th, 50th (solid) and 85th percentile of one unit's input
    over training, the BN paper's Figure 1(b, c) for every layer."""
    steps = result.steps.tolist()
    layers = result.percentiles.shape[2]
    lay = grid(layers, 3, hspace=0.03, vspace=0.06, col_titles=list(NAMES),
               row_titles=[f"layer {j + 1}" for j in range(layers)], shared_y=True)
    data = []
    for j in range(layers):
        for i, color in enumerate(COLORS):
            k = j * 3 + i
            p = result.percentiles[i, :, j, :, unit]  # (T, 3)
            for q, dash in zip((15, 50, 85), ("dot", "solid", "dot"), strict=True):
                data.append(_line(steps, p[:, (15, 50, 85).index(q)], color, f"{q}th percentile", k, False,
                                  dash=dash))
            if j == layers - 1:
                lay[axis_name("x", k)].update(title_text="step")
            else:
                lay[axis_name("x", k)].update(showticklabels=False)
    return figure(data, lay, 150 + 170 * layers, f"Unit {unit + 1}'s input: 15th · 50th · 85th percentile")

