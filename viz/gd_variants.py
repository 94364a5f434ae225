"""Batch vs stochastic vs mini-batch gradient descent: paths on the exact loss contour, loss gap, fitted lines."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.linear_regression import GDRun, LinearData
from viz.contour_image import image_layer
from viz.contours import finite_rows, marks, path_traces, plane_layout, single, thin
from viz.grid_layout import AXIS, FONT, PANELS
from viz.theme import PALETTE, color, figure

FLOOR = 1e-16  # keeps L - L* on the log axis when a run lands exactly on the minimum
CLEAR = "rgba(0,0,0,0)"


def gd_contour(ws: np.ndarray, bs: np.ndarray, z: np.ndarray, run: GDRun, minimum: np.ndarray, start,
               height: int = 560, picture: dict | None = None) -> go.Figure:
    """The map of L over (w, b) (z: (len(bs), len(ws))), one path (T+1, 2) per variant, the minimum and start.

    The bowl is a layout image (viz.contour_image; ``picture`` if already made from the same grid), as on the
    optimizers page: light in both themes, and a redraw after a Steps tick traces no contour lines.
    """
    data = []
    for i, name in enumerate(run.names):
        data += path_traces(name, run.points[:, i], i)
    mark = marks(np.asarray(minimum, float).reshape(1, 2), start)
    mark[0] = mark[0] | dict(name="least-squares minimum",
                             hovertemplate="least squares: w* = %{x:.3f}, b* = %{y:.3f}<extra></extra>")
    layout = plane_layout(ws, bs, height)
    layout["images"] = [picture if picture is not None else image_layer(ws, bs, z)]
    # The legend sits on the page beside the map: no box, and its text takes the chart's font colour (a live chart
    # gets the theme's; INK is swapped for it by st.plotly_chart only).
    layout["legend"] = layout["legend"] | dict(bgcolor=CLEAR, font=dict(size=14))
    layout["xaxis"]["title"] = dict(text="w (slope)")
    layout["yaxis"]["title"] = dict(text="b (intercept)")
    layout["margin"] = dict(l=60, r=10, t=10, b=50)
    layout["font"] = FONT  # a live chart gets no Streamlit theme: its font, and the text colour of the page
    return figure([single(t) for t in data] + mark, layout, height)


def gd_losses(run: GDRun, floor: float, axis: str = "steps", height: int = 340) -> go.Figure:
    """Full-data loss gap L - L* (T+1,) per variant on a log axis, against updates or against epochs."""
    data, lowest = [], 1.0
    for i, name in enumerate(run.names):
        keep = thin(np.arange(run.steps[i] + 1), 1500)
        gap = np.maximum(run.losses[keep, i] - floor, FLOOR)
        lowest = min(lowest, float(np.nanmin(gap, initial=1.0)))
        x = keep / run.steps_per_epoch[i] if axis == "epochs" else keep
        data.append(dict(type="scatter", x=x, y=gap, mode="lines", name=name, line=dict(color=color(i), width=2.5),
                         hovertemplate=f"{name}<br>{axis[:-1]} %{{x:.4g}}: L − L* = %{{y:.3g}}<extra></extra>"))
        k = run.diverged_at[i]
        if k is not None and np.isfinite(run.losses[k - 1, i]):
            xk = (k - 1) / run.steps_per_epoch[i] if axis == "epochs" else k - 1
            data.append(dict(type="scatter", x=[xk], y=[max(run.losses[k - 1, i] - floor, FLOOR)], mode="markers",
                             showlegend=False, marker=dict(symbol="x", size=14, color=color(i)),
                             hovertemplate=f"{name}: diverged at step {k}<extra></extra>"))
    title = "epoch (passes over the data)" if axis == "epochs" else "step (parameter updates)"
    # Drawn as a live chart, which Streamlit's plotly theme never reaches: the theme-neutral panel look.
    layout = PANELS | dict(xaxis=AXIS | dict(title=dict(text=title)),
                           yaxis=AXIS | dict(type="log", title=dict(text="L − L*"), exponentformat="power",
                                             dtick=max(1, int(np.ceil(-np.log10(lowest) / 6)))),  # <= ~8 decades
                           showlegend=False, margin=dict(l=70, r=10, t=40, b=50),
                           title=dict(text="Full-data loss above the minimum (log scale)", x=0.01))
    return figure(data, layout, height)


def data_fit(data: LinearData, run: GDRun, height: int = 340) -> go.Figure:
    """The points and the line w x + b each variant ends on, next to the least-squares line."""
    x = np.array([data.x.min(), data.x.max()])
    w, b = data.minimum
    traces = [dict(type="scatter", x=data.x, y=data.y, mode="markers", name="data", showlegend=False,
                   marker=dict(size=6, color="rgba(128,128,128,0.6)"), hoverinfo="skip"),
              dict(type="scatter", x=x, y=w * x + b, mode="lines", name="least squares", showlegend=False,
                   line=dict(color=PALETTE[4], width=2.5, dash="dot"),
                   hovertemplate=f"least squares: y = {w:.3f} x {b:+.3f}<extra></extra>")]
    for i, name in enumerate(run.names):
        last = finite_rows(run.points[:, i])
        if len(last):
            wi, bi = last[-1]
            traces.append(dict(type="scatter", x=x, y=wi * x + bi, mode="lines", name=name, showlegend=False,
                               line=dict(color=color(i), width=2.5),
                               hovertemplate=f"{name}: y = {wi:.3f} x {bi:+.3f}<extra></extra>"))
    pad = 0.15 * (np.ptp(data.y) + 1e-9)
    layout = PANELS | dict(xaxis=AXIS | dict(title=dict(text="x")),  # a live chart: the theme-neutral look
                           yaxis=AXIS | dict(title=dict(text="y"), range=[data.y.min() - pad, data.y.max() + pad]),
                           margin=dict(l=55, r=10, t=40, b=50),
                           title=dict(text="The lines each variant ends on", x=0.01))
    return figure(traces, layout, height)
