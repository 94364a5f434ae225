"""Figures of two of batch norm's promises: the train/test gap of four variants, and the redundant bias.

``gap_figure``: left, train minus test accuracy over training for plain, plain + dropout, BN, BN + dropout (the
gap curves side by side on one axis); right, their held-out accuracy. ``bias_figure``: left, the two twins' loss
curves overlaid; right, on a log axis, the pre-BN bias gradient against float64's rounding of the sum it is, and
how far apart the twins' outputs are.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.grid_layout import axis_name, grid, ref
from viz.histograms import NORMED, PLAIN
from viz.theme import figure
from viz.training_curves import REFERENCE

FLOOR = 1e-20  # an exact zero on a log axis is drawn here (the hover text shows the true value)
EVAL = "#009E73"  # Okabe-Ito green: the eval-mode comparison


def _line(x, y, color: str, name: str, k: int, show: bool = True, hover: str = "%{y:.1%}", **line) -> dict:
    return dict(type="scatter", mode="lines", x=x, y=y, name=name, legendgroup=name, showlegend=show,
                line={"color": color, "width": 3, **line}, xaxis=ref("x", k), yaxis=ref("y", k),
                hovertemplate=f"{name}<br>step %{{x}}: {hover}<extra></extra>")


def _variant_style(curve) -> tuple[str, str]:
    return (NORMED if curve.norm == "batch" else PLAIN), ("dash" if curve.dropout else "solid")


def gap_figure(result) -> go.Figure:
    """Gap (train - test accuracy, eval mode) and test accuracy against step, one line per variant of a
    ``RegularizationResult``; a diverged variant's line ends at its step, marked by a dotted rule."""
    lay = grid(1, 2, hspace=0.1, col_titles=["train − test accuracy (the gap)", "test accuracy"])
    data, shapes = [], []
    for c in result.curves:
        color, dash = _variant_style(c)
        name = c.name if c.diverged_at is None else f"{c.name} (diverged at step {c.diverged_at})"
        data.append(_line(c.step, c.gap, color, name, 0, dash=dash))
        data.append(_line(c.step, c.test_acc, color, name, 1, show=False, dash=dash))
        if c.diverged_at is not None:
            shapes += [dict(type="line", x0=c.diverged_at, x1=c.diverged_at, y0=0, y1=1, xref=ref("x", k),
                            yref=f"{ref('y', k)} domain", line=dict(color=color, dash="dot")) for k in (0, 1)]
    lay["shapes"] = shapes
    lay["yaxis"].update(tickformat=".0%", rangemode="tozero")
    lay["yaxis2"].update(range=[0, 1.02], tickformat=".0%")
    for k in (0, 1):
        lay[axis_name("x", k)].update(title_text="step")
    cfg = result.config
    fig = figure(data, lay, 400, f"Overfitting {cfg.n_train} training examples: the gap over training")
    fig.layout.legend.update(y=0.0, yanchor="bottom", x=0.5, xanchor="center")  # under the panels, as in
    fig.layout.margin.b = 70  # viz.training_curves: in half a page it would sit on the title
    return fig


def _log_line(x, v, color: str, name: str, **line) -> dict:
    """A line on the log panel: zeros drawn at FLOOR, the hover text giving the true value."""
    v = np.asarray(v, dtype=float)
    return dict(_line(x, np.maximum(v, FLOOR), color, name, 1, hover="%{customdata:.2g}", **line), customdata=v)


def bias_figure(result) -> go.Figure:
    """A ``BiasResult``: the twins' loss curves (log y) overlaid; on a log axis per step the largest pre-BN bias
    gradient, float64's rounding bound of that sum, the twins' largest output difference (batch statistics) and,
    every few steps, their difference in eval mode (running statistics)."""
    steps = np.arange(1, len(result.loss_with) + 1)
    lay = grid(1, 2, hspace=0.1, col_titles=["training loss", "how far from zero (log scale)"])
    data = [
        _line(steps, result.loss_with, PLAIN, "with the linear bias", 0, hover="%{y:.6g}", width=7),
        _line(steps, result.loss_without, NORMED, "without it", 0, hover="%{y:.6g}", dash="dash"),
        _log_line(steps, result.bias_grad, PLAIN, "max |∂L/∂b| (pre-BN bias)"),
        _log_line(steps, result.tolerance, REFERENCE, "rounding bound n·ε·Σ|∂L/∂z|", dash="dash"),
        _log_line(steps, result.output_diff, NORMED, "max |Δ output|, batch statistics", width=2),
        dict(_log_line(result.eval_step, result.eval_diff, EVAL, "max |Δ output|, eval mode", width=2),
             mode="lines+markers"),
    ]
    if result.diverged_at is not None:
        lay["shapes"] = [dict(type="line", x0=result.diverged_at, x1=result.diverged_at, y0=0, y1=1,
                              xref=ref("x", k), yref=f"{ref('y', k)} domain", line=dict(color=REFERENCE, dash="dot"))
                         for k in (0, 1)]
    lay["yaxis"].update(type="log", exponentformat="power")
    lay["yaxis2"].update(type="log", exponentformat="power", dtick=2)
    for k in (0, 1):
        lay[axis_name("x", k)].update(title_text="step")
    fig = figure(data, lay, 420, "The same net with and without the bias before batch norm (float64)")
    fig.layout.legend.update(y=0.0, yanchor="bottom", x=0.5, xanchor="center")
    fig.layout.margin.b = 90
    return fig
