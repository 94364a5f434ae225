"""Dropout figures: one layer under one mask (train vs test, both forms), and train/validation curves."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.dropout import DropoutDemo
from core.early_stopping import StopPoint
from core.train_loop import Curves
from viz.grid_layout import axis_name, figure, grid, ref
from viz.theme import PALETTE

KEPT, DROPPED, TEST, MEAN = PALETTE[0], "#B8C0CC", PALETTE[3], PALETTE[1]
NETS = {"plain": ("no dropout", PALETTE[3]), "dropout": ("with dropout", PALETTE[0])}


def _bars(x, y, colors, name: str, k: int, show: bool) -> dict:
    return dict(type="bar", x=x, y=y, marker=dict(color=colors), name=name, legendgroup=name, showlegend=show,
                xaxis=ref("x", k), yaxis=ref("y", k), hovertemplate="unit %{x}: %{y:.3f}<extra>" + name + "</extra>")


def _marks(x, y, color: str, symbol: str, name: str, k: int, show: bool) -> dict:
    return dict(type="scatter", mode="markers", x=x, y=y, name=name, legendgroup=name, showlegend=show,
                marker=dict(color=color, symbol=symbol, size=9, line=dict(width=1, color="white")),
                xaxis=ref("x", k), yaxis=ref("y", k), hovertemplate="unit %{x}: %{y:.3f}<extra>" + name + "</extra>")


def mask_figure(demo: DropoutDemo) -> go.Figure:
    """Top: activations, dropped units grey; below, per form: training output with this mask (bars), test
    output (diamonds) and the training output averaged over many masks (crosses), which lands on the diamonds."""
    units = np.arange(1, len(demo.activations) + 1)
    colors = np.where(demo.keep, KEPT, DROPPED).tolist()
    lay = grid(3, 1, vspace=0.11, row_titles=[
        f"activations: {int(demo.keep.sum())} of {len(units)} units kept (grey = dropped, p = {demo.p:g})",
        "inverted dropout: train = kept / (1-p), test = unchanged",
        "classic dropout: train = kept, test = x (1-p)"])
    data = [_bars(units, demo.activations, colors, "activation", 0, False)]
    for k, form in ((1, "inverted"), (2, "classic")):
        first = k == 1
        data += [_bars(units, demo.train[form], KEPT, "training output (this mask)", k, first),
                 _marks(units, demo.test[form], TEST, "diamond", "test output", k, first),
                 _marks(units, demo.mc_mean[form], MEAN, "x-thin-open", f"training output, mean of {demo.n_masks}"
                        " masks", k, first)]
    top = max(float(np.max(demo.train["inverted"])), float(np.max(demo.activations)), 1e-6) * 1.08
    for k in range(3):
        lay[axis_name("y", k)].update(range=[0, top])
        lay[axis_name("x", k)].update(dtick=4 if len(units) > 20 else 1, showticklabels=k == 2)
    lay[axis_name("x", 2)].update(title_text="unit of the hidden layer")
    lay["barmode"] = "overlay"
    lay["legend"] = dict(orientation="h", yref="container", y=0.995, yanchor="top", x=0, xanchor="left")
    return figure(data, lay, height=560)


def curves_figure(curves: dict[str, Curves], stops: dict[str, StopPoint]) -> go.Figure:
    """Left: train (dotted) and validation (solid) loss per epoch; right: validation accuracy. Each net's early
    stop: a star on its best epoch and a dashed line where patience ran out."""
    lay = grid(1, 2, hspace=0.1, col_titles=["cross-entropy loss (log)", "validation accuracy"])
    data, shapes = [], []
    for name, c in curves.items():
        label, color = NETS[name]
        epochs = np.arange(len(c.val_loss))
        line = dict(type="scatter", mode="lines", x=epochs, legendgroup=label, xaxis="x", yaxis="y")
        data.append(line | dict(y=c.val_loss, name=f"{label}: validation", line=dict(color=color, width=3)))
        data.append(line | dict(y=np.maximum(c.train_loss, 1e-5), name=f"{label}: train",
                                line=dict(color=color, width=2, dash="dot")))
        data.append(line | dict(y=c.val_acc, name=label, showlegend=False, line=dict(color=color, width=3),
                                xaxis="x2", yaxis="y2"))
        s = stops.get(name)
        if s is None:
            continue
        data.append(dict(type="scatter", mode="markers", x=[s.best], y=[c.val_loss[s.best]], xaxis="x", yaxis="y",
                         name=f"{label}: best epoch {s.best}", legendgroup=label, marker=dict(
                             symbol="star", size=16, color=color, line=dict(width=1, color="black"))))
        data.append(dict(type="scatter", mode="markers", x=[s.best], y=[c.val_acc[s.best]], xaxis="x2", yaxis="y2",
                         showlegend=False, legendgroup=label, hoverinfo="skip", marker=dict(
                             symbol="star", size=16, color=color, line=dict(width=1, color="black"))))
        if s.stopped:
            shapes += [dict(type="line", x0=s.stop, x1=s.stop, y0=0, y1=1, xref=ref("x", k),
                            yref=f"{ref('y', k)} domain", line=dict(color=color, dash="dash", width=2))
                       for k in (0, 1)]
    lay["shapes"] = shapes
    lay["yaxis"].update(type="log", exponentformat="power")
    lay["yaxis2"].update(tickformat=".0%")
    for k in (0, 1):
        lay[axis_name("x", k)].update(title_text="epoch")
    lay["legend"] = dict(orientation="h", yref="container", y=0.995, yanchor="top", x=0, xanchor="left")
    lay["margin"] = dict(l=10, r=10, t=110, b=40)
    return figure(data, lay, height=470)
