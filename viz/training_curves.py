"""Curves over training for both nets: loss and test accuracy, the BN paper's percentile plot, gradient norms."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from viz.grid_layout import axis_name, grid, ref
from viz.histograms import NORMED, PLAIN
from viz.theme import figure

NETS = ("plain", "normed")
GROUP_NORM = "#009E73"
REFERENCE = "#888"  # a mid grey reference line reads on the light and the dark theme


def _line(x, y, color: str, name: str, k: int = 0, show: bool = True, **line) -> dict:
    return dict(type="scatter", mode="lines", x=x, y=y, name=name, legendgroup=name, showlegend=show,
                line=dict(color=color, width=3, **line), xaxis=ref("x", k), yaxis=ref("y", k))


def loss_accuracy(snaps: Sequence, names: Sequence[str] = ("No normalization", "Normalized"),
                  diverged_at: int | None = None) -> go.Figure:
    """Left: mean mini-batch loss (log scale); right: held-out accuracy; one line per net against step."""
    steps = np.array([s.step for s in snaps])
    lay = grid(1, 2, hspace=0.09, col_titles=["training loss", "test accuracy"])
    data = []
    # Accuracy only where it was measured: a costly pair evaluates less often than it records.
    evaluated = [s for s in snaps if s.evaluated]
    for net, color, name in zip(NETS, (PLAIN, NORMED), names, strict=True):
        data.append(_line(steps, [max(getattr(s, net).loss, 1e-6) for s in snaps], color, name, 0))
        data.append(_line([s.step for s in evaluated], [getattr(s, net).test_accuracy for s in evaluated], color,
                          name, 1, show=False))
    if diverged_at is not None:
        lay["shapes"] = [dict(type="line", x0=diverged_at, x1=diverged_at, y0=0, y1=1, xref=ref("x", k),
                              yref=f"{ref('y', k)} domain", line=dict(color=REFERENCE, dash="dash")) for k in (0, 1)]
    lay["yaxis"].update(type="log", exponentformat="power", dtick=1)  # decades only: minor labels clutter
    lay["yaxis2"].update(range=[0, 1.02], tickformat=".0%")
    for k in (0, 1):
        lay[axis_name("x", k)].update(title_text="step")
    fig = figure(data, lay, 380, "Loss and held-out accuracy")
    # The legend under the panels: in half a page's width it would sit on the title.
    fig.layout.legend.update(y=0.0, yanchor="bottom", x=0.5, xanchor="center")
    fig.layout.margin.b = 70
    return fig


def percentile_plot(snaps: Sequence, unit: int = 0,
                    names: Sequence[str] = ("No normalization", "Normalized")) -> go.Figure:
    """The BN paper's Figure 1(b, c): 15th/50th/85th percentile of one last-layer unit's input over training."""
    steps = np.array([s.step for s in snaps])
    lay, data = grid(1, 2, hspace=0.04, col_titles=list(names), shared_y=True), []
    for k, (net, color) in enumerate(zip(NETS, (PLAIN, NORMED), strict=True)):
        p = np.stack([getattr(s, net).unit_percentiles[:, unit] for s in snaps])  # (T, 3)
        for j, q in enumerate((15, 50, 85)):
            data.append(_line(steps, p[:, j], color, f"{q}th percentile", k, show=False, dash="solid" if q == 50
                              else "dot"))
        lay[axis_name("x", k)].update(title_text="step")
    return figure(data, lay, 360, f"Unit {unit + 1} input, last layer: 15th · 50th · 85th pct.")


def grad_norms(snap, names: Sequence[str] = ("No normalization", "Normalized")) -> go.Figure:
    """Norm of dL/dW per hidden layer (log scale) for both nets: vanishing or exploding gradients at a glance."""
    data = []
    for net, color, name in zip(NETS, (PLAIN, NORMED), names, strict=True):
        norms = [max(layer.grad_norm, 1e-30) for layer in getattr(snap, net).layers]
        data.append(dict(type="bar", x=[f"layer {i + 1}" for i in range(len(norms))], y=norms, name=name,
                         marker_color=color, hovertemplate="%{x}: %{y:.3g}<extra></extra>"))
    lay = grid(1, 1)
    lay["yaxis"].update(type="log", title_text="‖∂L/∂W‖", exponentformat="power", dtick=1)
    lay["barmode"] = "group"
    return figure(data, lay, 360, f"Gradient norms · step {snap.step}")


def batch_size_chart(result) -> go.Figure:
    """Held-out accuracy against batch size (log2 axis) for each norm; batch norm with running and batch stats."""
    x = list(result.config.batch_sizes)
    lines = [("batch", "running", "Batch norm (running statistics)", NORMED, "solid"),
             ("batch", "batch", "Batch norm (batch statistics)", NORMED, "dot"),
             ("group", "running", "Group norm", GROUP_NORM, "solid"),
             ("none", "running", "No normalization", PLAIN, "solid")]
    data = [dict(_line(x, result.curve(norm, kind), color, name, dash=dash), mode="lines+markers",
                 marker=dict(size=9)) for norm, kind, name, color, dash in lines if norm in result.config.norms]
    lay = grid(1, 1)
    # Whole title dicts: grid's axes share one, and a ``title_text`` key never reaches plotly.js.
    lay["xaxis"].update(type="log", tickvals=x, ticktext=[str(b) for b in x],
                        title=dict(text="batch size", font=dict(size=14)))
    lay["yaxis"].update(title=dict(text="test accuracy", font=dict(size=14)), tickformat=".0%")
    lay["legend"] = dict(orientation="v", y=0.02, yanchor="bottom", x=0.99, xanchor="right")
    return figure(data, lay, 420, f"Test accuracy after {result.config.steps} steps")
