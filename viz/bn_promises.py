"""Figures of batch norm's promises (experiments 1 and 2): the learning-rate band chart and the init heatmap pair."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.bn_promises.common import TRAINED
from viz.grid_layout import axis_name, grid, ref
from viz.histograms import NORMED, PLAIN
from viz.theme import figure

NAMES = ("No normalization", "Batch norm")
REFERENCE = "#888"  # a mid grey reference line reads on the light and the dark theme


def _steps(result) -> str:
    total = result.config.setup.steps
    return f"after {total} steps" if result.steps_done == total else f"at step {result.steps_done} of {total}"


def lr_band_chart(result) -> go.Figure:
    """Held-out accuracy against learning rate (log axis), one line per net; a diverged run is an x at 0, each
    net's band of trained rates a bar under the curves, the "trained" threshold a dashed line."""
    lrs = result.lrs
    data, shapes = [], []
    for k, (name, color) in enumerate(zip(NAMES, (PLAIN, NORMED), strict=True)):
        acc = result.accuracy[k]
        data.append(dict(type="scatter", mode="lines+markers", x=lrs, y=acc, name=name, legendgroup=name,
                         line=dict(color=color, width=3), marker=dict(size=9),
                         hovertemplate="lr %{x:g}: %{y:.1%}<extra>" + name + "</extra>"))
        gone = [i for i, at in enumerate(result.diverged_at[k]) if at is not None]
        if gone:
            data.append(dict(type="scatter", mode="markers", x=lrs[gone], y=[0.0] * len(gone), name=f"{name}: diverged",
                             legendgroup=name, marker=dict(symbol="x", size=12, color=color),
                             text=[f"diverged at step {result.diverged_at[k][i]}" for i in gone],
                             hovertemplate="lr %{x:g}: %{text}<extra>" + name + "</extra>"))
        band = result.band(("none", "batch")[k])
        if band is not None:  # half a grid step beyond each end, so a single trained rate still shows a bar
            half = np.sqrt(lrs[1] / lrs[0]) if len(lrs) > 1 else 1.5
            y0 = -0.10 - 0.06 * k
            shapes.append(dict(type="rect", x0=band[0] / half, x1=band[1] * half, y0=y0, y1=y0 + 0.04, xref="x",
                               yref="y", fillcolor=color, line=dict(width=0), opacity=0.8))
    shapes.append(dict(type="line", x0=0, x1=1, xref="x domain", y0=TRAINED, y1=TRAINED, yref="y",
                       line=dict(color=REFERENCE, dash="dash", width=1.5)))
    lay = grid(1, 1)
    lay["xaxis"].update(type="log", tickvals=list(lrs), ticktext=[f"{r:g}" for r in lrs],
                        title=dict(text="learning rate (SGD)", font=dict(size=14)))
    lay["yaxis"].update(range=[-0.2, 1.02], tickvals=[0, 0.25, 0.5, TRAINED, 1.0], tickformat=".0%",
                        title=dict(text="test accuracy", font=dict(size=14)))
    lay["shapes"] = shapes
    lay["annotations"] = lay["annotations"] + [dict(text="bars: rates that train", x=0.01, xref="x domain", y=-0.04,
                                                    yref="y", showarrow=False, xanchor="left",
                                                    font=dict(size=12, color=REFERENCE))]
    lay["legend"] = dict(orientation="v", y=0.5, yanchor="middle", x=0.01, xanchor="left")
    return figure(data, lay, 430, f"Test accuracy {_steps(result)}, by learning rate")


def init_heatmaps(result) -> go.Figure:
    """Two heatmaps side by side (plain, batch norm): held-out accuracy per activation (rows) and
    initialization (columns) on one 0-100% colour scale; each cell says its number, a diverged cell ✕ (its step
    on hover)."""
    c = result.config
    lay = grid(1, 2, hspace=0.06, col_titles=list(NAMES), shared_y=True)
    data = []
    for k in range(2):
        z = result.accuracy[k]
        at = result.diverged_at[k]
        text = [[_cell(z[a, i], at[a][i]) for i in range(len(c.inits))] for a in range(len(c.activations))]
        hover = [[f"diverged at step {at[a][i]}" if at[a][i] is not None else f"{z[a, i]:.1%}"
                  for i in range(len(c.inits))] for a in range(len(c.activations))]
        data.append(dict(type="heatmap", z=np.nan_to_num(z, nan=0.0), x=list(c.inits), y=list(c.activations),
                         zmin=0.0, zmax=1.0, colorscale="Viridis", showscale=k == 1, xgap=2, ygap=2, text=text,
                         texttemplate="%{text}", textfont=dict(size=13), xaxis=ref("x", k), yaxis=ref("y", k),
                         customdata=hover, colorbar=dict(thickness=12, tickformat=".0%", title=dict(text="test acc.")),
                         hovertemplate="%{y}, %{x}: %{customdata}<extra>" + NAMES[k] + "</extra>"))
        lay[axis_name("x", k)].update(showgrid=False, tickangle=-30)
        lay[axis_name("y", k)].update(showgrid=False, autorange="reversed")
    return figure(data, lay | {"margin": dict(l=70, r=10, t=60, b=80)}, 380,
                  f"Test accuracy {_steps(result)} at lr {c.setup.lr:g}, by initialization")


def _cell(acc: float, diverged_at: int | None) -> str:
    return "✕" if diverged_at is not None else f"{acc:.0%}"  # a cell is too narrow for "diverged at step k"
