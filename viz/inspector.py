"""One step under the microscope: gradient, update and optimizer state as arrows; the sweep heatmap."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.theme import color, style
from viz.trajectories import contour


def _arrow(fig: go.Figure, start, vec, scale: float, col: str, name: str, dash: str = "solid") -> None:
    end = np.asarray(start) + scale * np.asarray(vec)
    fig.add_annotation(x=end[0], y=end[1], ax=start[0], ay=start[1], xref="x", yref="y", axref="x", ayref="y",
                       showarrow=True, arrowhead=3, arrowsize=1.3, arrowwidth=3, arrowcolor=col, text="")
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=name, line=dict(color=col, width=3, dash=dash)))


def step_view(xs, ys, z, name: str, points: np.ndarray, grads: np.ndarray, state: dict, k: int, minima) -> go.Figure:
    """Zoomed contour around step k of one run: -gradient, the actual update, and velocity/first moment."""
    p, g = points[k], grads[k]
    nxt = points[k + 1] if k + 1 < len(points) else p
    update = nxt - p
    span = max(np.linalg.norm(update) * 4, 0.15 * (xs[-1] - xs[0]) / 4)
    fig = contour(xs, ys, z, {name: points[: k + 2]}, minima, points[0], pick_grid=2)
    gnorm = np.linalg.norm(g)
    scale = span / 2 / gnorm if gnorm > 0 else 0.0
    _arrow(fig, p, -g, scale, "#D55E00", f"-gradient (scaled x{scale:.2g})")
    _arrow(fig, p, update, 1.0, "#0072B2", "actual update")
    for key, col in (("velocity", "#009E73"), ("exp_avg", "#009E73")):
        if key in state and np.all(np.isfinite(state[key][k + 1 if k + 1 < len(points) else k])):
            v = state[key][k + 1 if k + 1 < len(points) else k]
            vn = np.linalg.norm(v)
            if vn > 0:
                _arrow(fig, p, -v, span / 2 / vn, col, f"-{key} (direction)", "dot")
    fig.update_xaxes(range=[p[0] - span, p[0] + span])
    fig.update_yaxes(range=[p[1] - span, p[1] + span])
    fig.update_layout(title=f"{name}, step {k}", height=520)
    return fig


def state_lines(name: str, state: dict) -> go.Figure:
    """Each recorded state quantity (both coordinates) against step, log scale: why a method speeds or slows."""
    fig = go.Figure()
    for i, (key, arr) in enumerate(state.items()):
        for j, axis in enumerate("xy"):
            fig.add_trace(go.Scatter(y=np.abs(arr[:, j]), mode="lines", name=f"|{key}| ({axis})",
                                     line=dict(color=color(i), dash="solid" if j == 0 else "dot", width=2)))
    fig.update_yaxes(type="log", title="magnitude")
    fig.update_xaxes(title="step")
    fig.update_layout(title=f"{name}: optimizer state over time")
    return style(fig, height=360)


def sweep_heatmap(x: np.ndarray, y: np.ndarray, zvals: np.ndarray, xname: str, yname: str, metric: str) -> go.Figure:
    """Heatmap of the metric over x (log axis) and y; diverged cells are left blank."""
    shown = np.where(np.isfinite(zvals), zvals, np.nan)
    if metric == "final_loss":
        shown = np.log10(np.maximum(shown - np.nanmin(shown), 1e-12)) if np.isfinite(shown).any() else shown
        label = "log10(final f - best)"
    else:
        label = "steps to tolerance"
    fig = go.Figure(go.Heatmap(x=x, y=y, z=shown, colorscale="Viridis", colorbar=dict(title=label),
                               hovertemplate=f"{xname}=%{{x:.3g}}<br>{yname}=%{{y:.3g}}<br>%{{z:.3g}}<extra></extra>"))
    fig.update_xaxes(type="log", title=xname)
    fig.update_yaxes(title=yname)
    fig.update_layout(title="blank cells diverged")
    return style(fig, height=520)
