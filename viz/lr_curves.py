"""Reading the learning rate: loss curves at several lrs (CS231n's picture) and the lr range test."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.lr_range import RULES, Curve, RangeTest
from viz.contours import thin
from viz.theme import GRID as GRID_COLOR
from viz.theme import INK, PALETTE, figure

# CS231n draws very high in yellow, high in green, good in red, low in blue; yellow is unreadable on white, so
# the Okabe-Ito orange takes its place. A user's lr is the theme's ink: black on a light page, white on a dark one.
LABEL_COLORS = {"very high": PALETTE[1], "high": PALETTE[2], "good": PALETTE[3], "low": PALETTE[0]}
USER_COLOR = INK
# The charts follow the viewer's theme: no white plot area or legend box, text and grid in theme colours.
PAPER = dict(plot_bgcolor="rgba(0,0,0,0)")
LEGEND = dict(bgcolor="rgba(0,0,0,0)", font=dict(size=14, color=INK))
GRID = dict(gridcolor=GRID_COLOR, zerolinecolor=GRID_COLOR)
MUTED = "rgba(128,128,128,0.95)"  # the other rule's line and label: grey on both pages
REGION_FILL = {"too low": "rgba(0,114,178,0.08)", "good": "rgba(0,158,115,0.12)", "too high": "rgba(213,94,0,0.10)"}


def curve_color(name: str) -> str:
    """The colour of a labelled curve (CS231n's labels), the theme's ink for any other."""
    return LABEL_COLORS.get(name, USER_COLOR)


def loss_curves(curves: dict[str, Curve], height: int = 420) -> go.Figure:
    """Mini-batch loss per step of each run: raw (faint) and smoothed (bold), a cross where one diverged."""
    data, top = [], 0.0
    for name, c in curves.items():
        col, label = curve_color(name), f"{name} (lr {c.lr:g})"
        if c.diverged_at is not None:
            label += f": diverged at step {c.diverged_at}"
        steps = thin(np.arange(len(c.losses)), 600)
        data.append(dict(type="scatter", x=steps + 1, y=c.losses[steps], mode="lines", legendgroup=name,
                         showlegend=False, line=dict(color=col, width=1), opacity=0.25, hoverinfo="skip"))
        data.append(dict(type="scatter", x=steps + 1, y=c.smoothed[steps], mode="lines", name=label,
                         legendgroup=name,  # yours dashed: a preset at the same lr still shows through
                         line=dict(color=col, width=3, dash="solid" if name in LABEL_COLORS else "dash"),
                         hovertemplate=f"{label}<br>step %{{x}}: smoothed loss %{{y:.3f}}<extra></extra>"))
        if np.isfinite(c.losses[0]):
            top = max(top, float(c.losses[0]))
        k = c.diverged_at
        if k is not None:
            last = c.smoothed[np.isfinite(c.smoothed)]
            y = float(last[-1]) if len(last) else top
            data.append(dict(type="scatter", x=[k], y=[y], mode="markers", legendgroup=name, showlegend=False,
                             marker=dict(symbol="x", size=16, color=col, line=dict(width=1, color=col)),
                             hovertemplate=f"{label}<extra></extra>"))
    per_epoch = next(iter(curves.values())).steps_per_epoch if curves else 1
    layout = dict(xaxis=dict(title=dict(text=f"step (one epoch = {per_epoch} mini-batches)"), **GRID),
                  yaxis=dict(title=dict(text="training loss (cross-entropy)"), range=[0, 1.25 * max(top, 1e-3)],
                             **GRID),
                  legend=dict(x=1.01, xanchor="left", y=1.0, yanchor="top", **LEGEND), **PAPER,
                  margin=dict(l=60, r=10, t=40, b=50),
                  title=dict(text="Loss vs step at each learning rate", x=0.01))
    return figure(data, layout, height)


def range_plot(test: RangeTest, rule: str, marks: dict[str, float] | None = None, height: int = 420) -> go.Figure:
    """Loss vs lr (log axis) of a range test: raw and smoothed, the three regions, the suggestion under ``rule``
    (and the other rule dashed), and optional named lrs ``marks`` as ticks along the top."""
    lo, best = test.regions()
    first = float(test.smoothed[0])
    x0, x1 = float(test.lrs[0]), float(test.lrs[-1])
    data = [dict(type="scatter", x=test.lrs, y=test.losses, mode="lines", name="loss per mini-batch",
                 line=dict(color="rgba(90,90,90,0.5)", width=1), hovertemplate="lr %{x:.3g}: %{y:.3f}<extra></extra>"),
            dict(type="scatter", x=test.lrs, y=test.smoothed, mode="lines", name="smoothed (β = 0.98)",
                 line=dict(color=PALETTE[0], width=3), hovertemplate="lr %{x:.3g}: smoothed %{y:.3f}<extra></extra>")]
    shapes, notes = [], []
    for (a, b), name in zip([(x0, lo), (lo, best), (best, x1)], REGION_FILL, strict=True):
        shapes.append(dict(type="rect", xref="x", yref="paper", x0=a, x1=b, y0=0, y1=1, line=dict(width=0),
                           fillcolor=REGION_FILL[name], layer="below"))
        if b > a:
            notes.append(dict(x=float(np.log10(np.sqrt(a * b))), y=0.02, xref="x", yref="paper", text=name,
                              showarrow=False, yanchor="bottom", font=dict(size=14, color=INK)))
    for r in RULES:
        v = test.suggestion(r)
        main = r == rule
        shapes.append(dict(type="line", xref="x", yref="paper", x0=v, x1=v, y0=0, y1=0.9,
                           line=dict(color=PALETTE[3] if main else MUTED, width=3 if main else 1.5,
                                     dash="solid" if main else "dash")))
        notes.append(dict(x=float(np.log10(v)), y=0.9, xref="x", yref="paper", yanchor="bottom", showarrow=False,
                          text=f"<b>{r}: {v:.2g}</b>" if main else f"{r}: {v:.2g}",
                          font=dict(size=14, color=PALETTE[3] if main else MUTED)))
    for name, v in (marks or {}).items():
        if x0 <= v <= x1:
            notes.append(dict(x=float(np.log10(v)), y=1.0, xref="x", yref="paper", text="▼", showarrow=False,
                              yanchor="bottom", hovertext=f"{name}: lr {v:g}",
                              font=dict(color=LABEL_COLORS.get(name, INK))))
    layout = dict(xaxis=dict(type="log", title=dict(text="learning rate (log scale; it grows every mini-batch)"),
                             exponentformat="power", range=[np.log10(x0), np.log10(x1)], dtick=1, **GRID),
                  yaxis=dict(title=dict(text="training loss"), range=[0, 1.6 * first], **GRID),
                  legend=dict(x=0.01, xanchor="left", y=0.80, yanchor="top", **LEGEND), **PAPER,
                  shapes=shapes, annotations=notes, margin=dict(l=60, r=10, t=50, b=50),
                  title=dict(text="Learning-rate range test", x=0.01, y=0.98))
    return figure(data, layout, height)
