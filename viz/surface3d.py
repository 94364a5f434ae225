"""The loss surface in 3-D with every optimizer's path lifted onto it."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.contours import finite_rows, log_height, thin
from viz.theme import color, figure

MAX_GRID = 90  # per side: a finer mesh is invisible in 3-D and costs the browser


def surface3d(xs, ys, z, paths: dict[str, np.ndarray], values: dict[str, np.ndarray],
              height: int = 640) -> go.Figure:
    """Surface of z (len(ys), len(xs)) with log-compressed height; paths (T+1, 2) at heights values (T+1,)."""
    base = float(np.nanmin(z[np.isfinite(z)]))
    k = max(1, -(-len(xs) // MAX_GRID))
    data = [dict(type="surface", x=xs[::k], y=ys[::k], z=log_height(z[::k, ::k], base), colorscale="Greys",
                 reversescale=True, showscale=False, opacity=0.85, hoverinfo="skip", name="loss",
                 contours=dict(z=dict(show=True, usecolormap=False, color="rgba(60,60,60,0.35)", width=1)))]
    for i, (name, pts) in enumerate(paths.items()):
        ok = np.isfinite(pts).all(axis=1) & np.isfinite(values[name])
        p = thin(finite_rows(pts[ok]))
        v = thin(values[name][ok])
        # A small lift keeps the line above the mesh it lies on (otherwise it flickers in and out of it).
        data.append(dict(type="scatter3d", x=p[:, 0], y=p[:, 1], z=log_height(v, base) + 0.03, mode="lines",
                         name=name, line=dict(color=color(i), width=7),
                         hovertemplate=f"{name}<br>(%{{x:.3f}}, %{{y:.3f}})<extra></extra>"))
    scene = dict(xaxis=dict(title=dict(text="x")), yaxis=dict(title=dict(text="y")),
                 zaxis=dict(title=dict(text="log10(f − min)")), aspectmode="manual",
                 aspectratio=dict(x=1, y=1, z=0.6), camera=dict(eye=dict(x=1.35, y=-1.35, z=0.95)))
    layout = dict(scene=scene, margin=dict(l=0, r=0, t=10, b=0), uirevision="3d",
                  legend=dict(x=1.0, xanchor="right", y=0.95, font=dict(size=14)))
    return figure(data, layout, height)
