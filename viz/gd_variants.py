"""Batch vs stochastic vs mini-batch gradient descent: paths on the exact loss contour, loss gap, fitted lines."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.linear_regression import GDRun, LinearData
from viz.contours import finite_rows, landscape, marks, path_traces, plane_layout, thin
from viz.theme import INK, PALETTE, PAPER, color, figure

FLOOR = 1e-16  # keeps L - L* on the log axis when a run lands exactly on the minimum
# The bowl follows the viewer's theme: low loss is the page's own background, high loss a mid grey (light grey on a
# white page, dark grey on a dark one), contour lines and the start ring in colours that read on both.
BOWL = dict(colorscale=[[0.0, PAPER], [1.0, "rgb(128,128,128)"]], reversescale=False,
            line=dict(width=0.8, color="rgba(128,128,128,0.6)"))
CLEAR = "rgba(0,0,0,0)"


def gd_contour(ws: np.ndarray, bs: np.ndarray, z: np.ndarray, run: GDRun, minimum: np.ndarray, start,
               height: int = 560) -> go.Figure:
    """Contour of L over (w, b) (z: (len(bs), len(ws))), one path (T+1, 2) per variant, the minimum and start."""
    data = [landscape(ws, bs, z) | BOWL]
    for i, name in enumerate(run.names):
        data += path_traces(name, run.points[:, i], i)
    mark = marks(np.asarray(minimum, float).reshape(1, 2), start)
    mark[0] = mark[0] | dict(name="least-squares minimum",
                             hovertemplate="least squares: w* = %{x:.3f}, b* = %{y:.3f}<extra></extra>")
    mark[-1] = mark[-1] | dict(marker=mark[-1]["marker"] | dict(color=INK))
    layout = plane_layout(ws, bs, height)
    layout["plot_bgcolor"] = CLEAR
    layout["legend"] = layout["legend"] | dict(bgcolor=CLEAR, font=dict(size=14, color=INK))
    layout["xaxis"]["title"] = dict(text="w (slope)")
    layout["yaxis"]["title"] = dict(text="b (intercept)")
    layout["margin"] = dict(l=60, r=10, t=10, b=50)
    return figure(data + mark, layout, height)


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
    layout = dict(xaxis=dict(title=dict(text=title)),
                  yaxis=dict(type="log", title=dict(text="L − L*"), exponentformat="power",
                              dtick=max(1, int(np.ceil(-np.log10(lowest) / 6)))),  # at most ~8 decade labels
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
    layout = dict(xaxis=dict(title=dict(text="x")),
                  yaxis=dict(title=dict(text="y"), range=[data.y.min() - pad, data.y.max() + pad]),
                  margin=dict(l=55, r=10, t=40, b=50), title=dict(text="The lines each variant ends on", x=0.01))
    return figure(traces, layout, height)
