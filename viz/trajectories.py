"""Optimizer paths over a surface: contour (clickable), 3-D view, loss curves and the animated race."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.theme import color, style

MAX_POINTS = 400  # per drawn path: enough for the eye, light for the browser


def _thin(points: np.ndarray) -> np.ndarray:
    """Every k-th row (always keeping the last finite one) so a path is at most MAX_POINTS long."""
    k = max(1, len(points) // MAX_POINTS)
    return points[::k] if (len(points) - 1) % k == 0 else np.vstack([points[::k], points[-1:]])


def _levels(z: np.ndarray) -> np.ndarray:
    """Log-spaced contour values: valleys of very different depths all get lines."""
    finite = z[np.isfinite(z)]
    lo = finite.min()
    shifted = np.log10(finite - lo + 1e-3)
    return np.quantile(shifted, np.linspace(0.02, 0.98, 30))


def contour(xs, ys, z, paths: dict[str, np.ndarray], minima: np.ndarray, start, pick_grid: int = 25) -> go.Figure:
    """Log-scaled contour of z (len(ys), len(xs)) with one coloured path per optimizer, minima and start marked.

    A faint grid of points lets a click choose a new start (contours cannot be selected in plotly).
    """
    lz = np.log10(z - np.nanmin(z[np.isfinite(z)]) + 1e-3)
    levels = _levels(z)
    fig = go.Figure(go.Contour(x=xs, y=ys, z=lz, colorscale="Greys", reversescale=True, showscale=False,
                               contours=dict(start=levels[0], end=levels[-1], size=(levels[-1] - levels[0]) / 30,
                                             coloring="heatmap"), opacity=0.55, hoverinfo="skip", name="loss"))
    gx, gy = np.meshgrid(np.linspace(xs[0], xs[-1], pick_grid), np.linspace(ys[0], ys[-1], pick_grid))
    fig.add_trace(go.Scatter(x=gx.ravel(), y=gy.ravel(), mode="markers", marker=dict(size=14, opacity=0.0),
                             name="click to start here", showlegend=False, hovertemplate="start (%{x:.2f}, %{y:.2f})"))
    for i, (name, pts) in enumerate(paths.items()):
        p = _thin(pts[np.isfinite(pts).all(axis=1)])
        fig.add_trace(go.Scatter(x=p[:, 0], y=p[:, 1], mode="lines", name=name, line=dict(color=color(i), width=3)))
        fig.add_trace(go.Scatter(x=p[-1:, 0], y=p[-1:, 1], mode="markers", showlegend=False, hoverinfo="skip",
                                 marker=dict(color=color(i), size=11, line=dict(color="white", width=1.5))))
    if len(minima):
        fig.add_trace(go.Scatter(x=minima[:, 0], y=minima[:, 1], mode="markers", name="minimum",
                                 marker=dict(symbol="star", size=18, color="#F0E442",
                                             line=dict(color="black", width=1))))
    fig.add_trace(go.Scatter(x=[start[0]], y=[start[1]], mode="markers", name="start",
                             marker=dict(symbol="circle-open", size=16, color="black", line=dict(width=3))))
    fig.update_xaxes(range=[xs[0], xs[-1]], title="x", constrain="domain")
    fig.update_yaxes(range=[ys[0], ys[-1]], title="y", scaleanchor="x", scaleratio=1)
    fig.update_layout(clickmode="event+select", legend=dict(orientation="h", y=-0.12), dragmode="pan")
    return style(fig, height=620)


def surface3d(xs, ys, z, paths: dict[str, np.ndarray], values: dict[str, np.ndarray]) -> go.Figure:
    """The surface in 3-D (log-compressed height) with each path lifted onto it."""
    base = np.nanmin(z[np.isfinite(z)])
    def lift(v):  # one formula for surface and paths alike; saddles go below the grid's minimum
        with np.errstate(invalid="ignore"):
            return np.log10(np.maximum(v - base, 0.0) + 1e-3)
    fig = go.Figure(go.Surface(x=xs, y=ys, z=lift(z), colorscale="Greys", reversescale=True, showscale=False,
                               opacity=0.85, hoverinfo="skip"))
    for i, (name, pts) in enumerate(paths.items()):
        ok = np.isfinite(pts).all(axis=1)
        p, v = _thin(pts[ok]), _thin(values[name][ok][:, None])[:, 0]
        fig.add_trace(go.Scatter3d(x=p[:, 0], y=p[:, 1], z=lift(v) + 0.02, mode="lines", name=name,
                                   line=dict(color=color(i), width=6)))
    fig.update_layout(scene=dict(xaxis_title="x", yaxis_title="y", zaxis_title="log10(f - min)",
                                 camera=dict(eye=dict(x=1.4, y=-1.4, z=1.0))))
    return style(fig, height=620)


def losses(values: dict[str, np.ndarray], floor: float, diverged: dict[str, int | None]) -> go.Figure:
    """f - (lowest known value) against step on a log axis; a cross marks where a run diverged."""
    fig = go.Figure()
    for i, (name, v) in enumerate(values.items()):
        gap = np.maximum(v - floor, 1e-16)
        fig.add_trace(go.Scatter(y=gap, mode="lines", name=name, line=dict(color=color(i), width=2.5)))
        k = diverged.get(name)
        if k is not None and k > 0 and np.isfinite(gap[k - 1]):
            fig.add_trace(go.Scatter(x=[k - 1], y=[gap[k - 1]], mode="markers", showlegend=False,
                                     marker=dict(symbol="x", size=14, color=color(i)),
                                     hovertemplate=f"{name}: diverged at step {k}<extra></extra>"))
    fig.update_yaxes(type="log", title="f - f*")
    fig.update_xaxes(title="step")
    return style(fig, height=360)
