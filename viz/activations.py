"""Activation figures: f and f' with shaded saturation, Gaussian in -> out histograms, gradient through depth."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.grid_layout import AXIS, PANELS, axis_name, corner_note, grid
from viz.histograms import bars
from viz.theme import PALETTE, figure

F_COLOR, DF_COLOR, Z_COLOR, SAT_COLOR = PALETTE[0], PALETTE[3], PALETTE[2], "rgba(213, 94, 0, 0.10)"


def _shade(intervals, lo: float, hi: float, y0: float, y1: float) -> list[dict]:
    """Saturation intervals as filled rectangles (traces, not shapes, so the chart's data shows them)."""
    out = []
    for k, (a, b) in enumerate(intervals):
        a, b = max(a, lo), min(b, hi)
        if b > a:
            out.append(dict(type="scatter", x=[a, b, b, a, a], y=[y0, y0, y1, y1, y0], fill="toself", mode="lines",
                            line=dict(width=0), fillcolor=SAT_COLOR, hoverinfo="skip", name="saturated",
                            legendgroup="sat", showlegend=k == 0))
    return out


def explorer_chart(e, title: str, threshold: float) -> go.Figure:
    """f (blue) and f' (vermillion, dashed) on one axis, N(mu, sigma^2) density on the right, saturation shaded."""
    ys = np.concatenate([e.f, e.df])
    y0, y1 = float(ys.min()), float(ys.max())
    pad = 0.08 * (y1 - y0 or 1.0)
    # ReLU-like outputs grow with x without bound: cap the axis so the slope (at most ~1) stays readable
    cap = max(3.0, 1.4 * e.peak)
    y0, y1 = max(y0 - pad, -cap), min(y1 + pad, cap)
    lo, hi = float(e.x[0]), float(e.x[-1])
    # float32 on the wire: half the bytes of a tick, ~7 digits where the chart shows 4
    x, f, df, density = (v.astype(np.float32) for v in (e.x, e.f, e.df, e.density))
    data = _shade(e.intervals, lo, hi, y0, y1) + [
        dict(type="scatter", x=x, y=density, fill="tozeroy", mode="lines", line=dict(color=Z_COLOR, width=1),
             fillcolor="rgba(0, 158, 115, 0.15)", name="density of z", yaxis="y2",
             hovertemplate="z = %{x:.2f}<br>density %{y:.3f}<extra></extra>"),
        dict(type="scatter", x=x, y=f, mode="lines", line=dict(color=F_COLOR, width=3.5), name="f(x)",
             hovertemplate="x = %{x:.2f}<br>f = %{y:.4f}<extra></extra>"),
        dict(type="scatter", x=x, y=df, mode="lines", line=dict(color=DF_COLOR, width=3, dash="dash"),
             name="f′(x)", hovertemplate="x = %{x:.2f}<br>f′ = %{y:.4f}<extra></extra>"),
        dict(type="scatter", x=[e.peak_x], y=[float(np.interp(e.peak_x, e.x, e.df))], mode="markers+text",
             marker=dict(color=DF_COLOR, size=11, symbol="diamond"), text=[f"max |f′| = {e.peak:.3g}"],
             textposition="top center", textfont=dict(color=DF_COLOR, size=14), showlegend=False,
             hoverinfo="skip"),
    ]
    # The page draws it as a live chart, which Streamlit's plotly theme never reaches: the theme-neutral panel look.
    layout = PANELS | dict(
        title=dict(text=f"{title}: f and f′ · shaded where |f′| < {threshold:g} × max |f′|", x=0.01),
        xaxis=AXIS | dict(title=dict(text="x (pre-activation)"), range=[lo, hi], zeroline=True),
        yaxis=AXIS | dict(title=dict(text="f(x), f′(x)"), range=[y0, y1], zeroline=True),
        yaxis2=AXIS | dict(title=dict(text="density of z"), overlaying="y", side="right", showgrid=False,
                           showticklabels=False, range=[0, float(e.density.max()) * 3.0]),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0),
        margin=dict(l=60, r=60, t=80, b=50),
    )
    return figure(data, layout, 430)


def push_chart(p, title: str) -> go.Figure:
    """Three histograms of one seeded sample: z ~ N(mu, sigma^2), f(z) and f'(z), each with its mean and std."""
    panels = ((p.z, "z (input)", Z_COLOR), (p.out, "f(z) (output)", F_COLOR), (p.slope, "f′(z) (local slope)",
                                                                                 DF_COLOR))
    lay = grid(1, 3, hspace=0.06, col_titles=[t for _, t, _ in panels])
    data = []
    for k, (h, name, color) in enumerate(panels):
        data.append(bars(h, color, name, k))
        zero = f"<br>exactly 0: {p.zero_output:.1%}" if k == 1 and p.zero_output >= 0.005 else ""
        lay["annotations"].append(corner_note(f"mean {h.mean:.3g}<br>std {h.std:.3g}{zero}", k))
        lay[axis_name("y", k)].update(showticklabels=k == 0, rangemode="tozero", tickformat=".0%")
        lay[axis_name("x", k)].update(nticks=6)
    lay["yaxis"]["title"] = dict(text="share of samples", font=dict(size=14))
    lay["bargap"] = 0
    lay["title"] = dict(text=f"What {title} does to a Gaussian input", x=0.01)
    lay["showlegend"] = False
    lay["margin"] = dict(l=60, r=20, t=90, b=40)
    return figure(data, lay, 330)


def _band(x, lo, hi, color: str, name: str) -> list[dict]:
    return [dict(type="scatter", x=x, y=hi, mode="lines", line=dict(width=0), showlegend=False, hoverinfo="skip"),
            dict(type="scatter", x=x, y=lo, mode="lines", line=dict(width=0), fill="tonexty", fillcolor=color,
                 name=name, hoverinfo="skip")]


def depth_chart(d, title: str) -> go.Figure:
    """|prod f'| against depth on a log axis: 10-90% band and median over paths, (E|f'|)^l and (max|f'|)^l."""
    def visible(v):  # a product of exactly 0 has no place on a log axis; the zero share is drawn instead
        return np.where(v > 0, v, np.nan)

    data = _band(d.depth, visible(d.q10), visible(d.q90), "rgba(0, 114, 178, 0.18)", "10–90% of paths") + [
        dict(type="scatter", x=d.depth, y=visible(d.q50), mode="lines+markers", name="median path",
             line=dict(color=F_COLOR, width=3), hovertemplate="depth %{x}<br>median %{y:.3g}<extra></extra>"),
        dict(type="scatter", x=d.depth, y=visible(d.expected), mode="lines", name="(E|f′|)^depth",
             line=dict(color=PALETTE[2], width=2.5, dash="dot")),
        dict(type="scatter", x=d.depth, y=d.bound, mode="lines", name="(max|f′|)^depth",
             line=dict(color=DF_COLOR, width=2.5, dash="dash")),
    ]
    layout = PANELS | dict(  # a live chart too: the theme-neutral panel look
        title=dict(text=f"{title}: gradient factor ∏ |f′(z_l)| through depth", x=0.01),
        xaxis=AXIS | dict(title=dict(text="depth (layers backpropagated through)"), rangemode="tozero"),
        yaxis=AXIS | dict(title=dict(text="|∏ f′| (log scale)"), type="log", exponentformat="power"),
        legend=dict(orientation="h", yanchor="top", y=-0.2, x=0.0),
        margin=dict(l=70, r=60, t=60, b=40),
    )
    if d.zero.any():
        data.append(dict(type="scatter", x=d.depth, y=d.zero, mode="lines", yaxis="y2", name="paths with ∏ = 0",
                         line=dict(color=PALETTE[4], width=2),  # not the palette's black: it vanishes on the dark theme
                         hovertemplate="depth %{x}: %{y:.1%}<extra></extra>"))
        layout["yaxis2"] = AXIS | dict(title=dict(text="share of dead paths"), overlaying="y", side="right",
                                       range=[0, 1.02], tickformat=".0%", showgrid=False)
    return figure(data, layout, 430)

