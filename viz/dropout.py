"""Dropout figures: one layer under one mask (train vs test, both forms), and train/validation curves."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.dropout import DropoutDemo
from core.early_stopping import StopPoint
from core.train_loop import Curves
from viz.grid_layout import axis_name, grid, ref
from viz.theme import PALETTE, figure

# The mean over masks in Okabe-Ito green, not black: black crosses vanish on the dark theme.
KEPT, DROPPED, TEST, MEAN = PALETTE[0], "#B8C0CC", PALETTE[3], PALETTE[2]
NETS = {"plain": ("no dropout", PALETTE[3]), "dropout": ("with dropout", PALETTE[0])}


def _bars(x, y, colors, name: str, k: int, show: bool) -> dict:
    return dict(type="bar", x=x, y=y, marker=dict(color=colors), name=name, legendgroup=name, showlegend=show,
                xaxis=ref("x", k), yaxis=ref("y", k), hovertemplate="unit %{x}: %{y:.3f}<extra>" + name + "</extra>")


def _marks(x, y, color: str, symbol: str, name: str, k: int, show: bool) -> dict:
    edge = dict(width=2.5, color=color) if symbol.endswith("open") else dict(width=1, color="white")
    return dict(type="scatter", mode="markers", x=x, y=y, name=name, legendgroup=name, showlegend=show,
                marker=dict(color=color, symbol=symbol, size=13 if symbol.endswith("open") else 10, line=edge),
                xaxis=ref("x", k), yaxis=ref("y", k), hovertemplate="unit %{x}: %{y:.3f}<extra>" + name + "</extra>")


def mask_figure(demo: DropoutDemo) -> go.Figure:
    """Top: activations, dropped units grey; below, per form: training output with this mask (bars), test
    output (diamonds) and the training output averaged over many masks (crosses), which lands on the diamonds."""
    units = np.arange(1, len(demo.activations) + 1)
    colors = np.where(demo.keep, KEPT, DROPPED).tolist()
    lay = grid(3, 1, vspace=0.11, row_titles=[
        f"activations and the mask (squares): {int(demo.keep.sum())} of {len(units)} units kept, grey = dropped, "
        f"p = {demo.p:g}",
        "inverted dropout: train = kept / (1-p), test = unchanged",
        "classic dropout: train = kept, test = x (1-p)"])
    top = max(float(np.max(demo.train["inverted"])), float(np.max(demo.activations)), 1e-6) * 1.08
    data = [_bars(units, demo.activations, colors, "activation", 0, False),
            dict(type="scatter", mode="markers", x=units, y=np.full(len(units), -0.1 * top), showlegend=False,
                 marker=dict(symbol="square", size=9, color=colors), xaxis="x", yaxis="y",
                 customdata=np.where(demo.keep, "kept", "dropped"), hovertemplate="unit %{x}: %{customdata}"
                 "<extra>mask</extra>")]  # the mask strip: visible even where the activation is 0
    for k, form in ((1, "inverted"), (2, "classic")):
        first = k == 1
        data += [_bars(units, demo.train[form], KEPT, "training output (this mask)", k, first),
                 _marks(units, demo.test[form], TEST, "diamond", "test output", k, first),
                 _marks(units, demo.mc_mean[form], MEAN, "x-thin-open", f"training output, mean of {demo.n_masks}"
                        " masks", k, first)]
    for k in range(3):
        lay[axis_name("y", k)].update(range=[-0.17 * top if k == 0 else 0, top])
        lay[axis_name("x", k)].update(dtick=4 if len(units) > 20 else 1, showticklabels=k == 2)
    lay[axis_name("x", 2)].update(title_text="unit of the hidden layer")
    lay["barmode"] = "overlay"
    lay["legend"] = dict(orientation="h", yref="container", y=0.995, yanchor="top", x=0, xanchor="left")
    lay["margin"] = dict(l=10, r=10, t=75, b=40)
    return figure(data, lay, 580)


def curves_figure(curves: dict[str, Curves], stops: dict[str, StopPoint]) -> go.Figure:
    """Per epoch: training loss (log), validation loss and validation accuracy, one colour per net; each net's
    early stop as a star on its best epoch and a dashed line where patience ran out."""
    lay = grid(1, 3, hspace=0.07, col_titles=["training loss (log scale)", "validation loss",
                                              "validation accuracy"])
    data, shapes = [], []
    for name, c in curves.items():
        label, color = NETS[name]
        epochs = np.arange(len(c.val_loss))
        line = dict(type="scatter", mode="lines", x=epochs, legendgroup=label, line=dict(color=color, width=3))
        data.append(line | dict(y=np.maximum(c.train_loss, 1e-5), name=label, xaxis="x", yaxis="y"))
        for k, y in ((1, c.val_loss), (2, c.val_acc)):
            data.append(line | dict(y=y, name=label, showlegend=False, xaxis=ref("x", k), yaxis=ref("y", k)))
        s = stops.get(name)
        if s is None:
            continue
        for k, y, show in ((1, c.val_loss, True), (2, c.val_acc, False)):
            data.append(dict(type="scatter", mode="markers", x=[s.best], y=[y[s.best]], xaxis=ref("x", k),
                             yaxis=ref("y", k), name=f"{label}: best epoch {s.best}", legendgroup=label,
                             showlegend=show, marker=dict(symbol="star", size=17, color=color,
                                                          line=dict(width=1, color="black"))))
        if s.stopped:
            shapes += [dict(type="line", x0=s.stop, x1=s.stop, y0=0, y1=1, xref=ref("x", k),
                            yref=f"{ref('y', k)} domain", line=dict(color=color, dash="dash", width=2))
                       for k in (1, 2)]
    lay["shapes"] = shapes
    lay["yaxis"].update(type="log", exponentformat="power", dtick=1)
    val = np.concatenate([c.val_loss[1:] for c in curves.values()])
    val = val[np.isfinite(val)]
    if len(val):  # zoom on the trained part: the first epochs' losses would flatten the U shape
        lo, hi = float(val.min()), float(np.quantile(val, 0.9))
        lay["yaxis2"].update(range=[lo - 0.1 * (hi - lo), hi + 0.1 * (hi - lo)])
    accs = np.concatenate([c.val_acc[1:] for c in curves.values()])
    accs = accs[np.isfinite(accs)]
    lay["yaxis3"].update(tickformat=".0%", range=[float(np.quantile(accs, 0.1)) - 0.01 if len(accs) else 0,
                                                  float(accs.max()) + 0.01 if len(accs) else 1])
    for k in range(3):
        lay[axis_name("x", k)].update(title_text="epoch")
    lay["legend"] = dict(orientation="h", yref="container", y=0.995, yanchor="top", x=0, xanchor="left")
    lay["margin"] = dict(l=10, r=10, t=80, b=40)
    return figure(data, lay, 430)
