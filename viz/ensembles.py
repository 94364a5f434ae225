"""Ensemble figure: each member's accuracy next to the averaged prediction, and accuracy vs ensemble size."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.ensembles import EnsembleResult
from viz.grid_layout import axis_name, grid
from viz.theme import PALETTE, figure

MEMBER, ENSEMBLE, MEAN, BEST = "#9AA5B4", PALETTE[0], PALETTE[3], PALETTE[2]


def _hline(y: float, color: str, k: str) -> dict:
    return dict(type="line", x0=0, x1=1, y0=y, y1=y, xref=f"x{k} domain", yref=f"y{k}",
                line=dict(color=color, dash="dash", width=2), layer="below")


def ensemble_figure(res: EnsembleResult) -> go.Figure:
    """Left: validation accuracy of every member (grey) and of the ensemble (blue), dashed lines at the mean and
    the best single net; right: accuracy of the average of the first k members against k."""
    k = len(res.member_acc)
    lay = grid(1, 2, hspace=0.1, col_titles=["validation accuracy", "averaging the first k members"])
    names = [f"net {i + 1}" for i in range(k)] + ["ensemble"]
    acc = np.r_[res.member_acc, res.ensemble_acc]
    data = [dict(type="bar", x=names, y=acc, marker=dict(color=[MEMBER] * k + [ENSEMBLE]), showlegend=False,
                 text=[f"{a:.1%}" for a in acc], textposition="inside", insidetextanchor="end",
                 # dark on the light grey members, white on the blue ensemble: legible on either theme
                 textfont=dict(color=["#1a1a1a"] * k + ["white"], size=14),
                 hovertemplate="%{x}: %{y:.2%}<extra></extra>")]
    sizes = np.arange(1, k + 1)
    data.append(dict(type="scatter", mode="lines+markers", x=sizes, y=res.first_k_acc, xaxis="x2", yaxis="y2",
                     name="ensemble of the first k", line=dict(color=ENSEMBLE, width=3), marker=dict(size=9),
                     hovertemplate="k = %{x}: %{y:.2%}<extra></extra>"))
    mean, best = float(res.member_acc.mean()), float(res.member_acc.max())
    for y, color, label in ((mean, MEAN, "mean single net"), (best, BEST, "best single net")):
        data.append(dict(type="scatter", mode="lines", x=[None], y=[None], name=f"{label} ({y:.1%})",
                         line=dict(color=color, dash="dash", width=2)))  # legend entry for the shapes
    lay["shapes"] = [_hline(mean, MEAN, ""), _hline(best, BEST, ""), _hline(mean, MEAN, "2"),
                     _hline(best, BEST, "2")]
    valid = np.r_[acc, res.first_k_acc][np.isfinite(np.r_[acc, res.first_k_acc])]
    lo = float(valid.min()) if len(valid) else 0.0
    hi = float(valid.max()) if len(valid) else 1.0
    span = [max(lo - 0.04, 0.0), min(hi + 0.03, 1.0)]
    lay["yaxis"].update(range=span, tickformat=".0%")
    lay["yaxis2"].update(range=span, tickformat=".0%")
    lay[axis_name("x", 1)].update(title_text="ensemble size k", dtick=1)
    lay["legend"] = dict(orientation="h", yref="container", y=0.995, yanchor="top", x=0, xanchor="left")
    lay["margin"] = dict(l=10, r=10, t=90, b=40)
    return figure(data, lay, 420)
