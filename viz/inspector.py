"""One step under the microscope: gradient, actual update and optimizer state as arrows; state over time."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.contours import landscape, marks, path_traces, plane_layout, window
from viz.state_time import steady
from viz.theme import color, figure

GRAD, UPDATE, BUFFER = "#D55E00", "#0072B2", "#009E73"
BUFFERS = ("velocity", "exp_avg")  # the running direction, where the optimizer keeps one


def _arrow(tail, vec, col: str) -> dict:
    head = np.asarray(tail) + np.asarray(vec)
    return dict(x=head[0], y=head[1], ax=tail[0], ay=tail[1], xref="x", yref="y", axref="x", ayref="y", text="",
                showarrow=True, arrowhead=3, arrowsize=1.2, arrowwidth=3.5, arrowcolor=col)


def _legend(name: str, col: str, dash: str = "solid") -> dict:
    return dict(type="scatter", x=[None], y=[None], mode="lines", name=name, line=dict(color=col, width=3.5, dash=dash))


def _numbers(g, update, eff) -> str:
    rows = [f"|g| = {np.linalg.norm(g):.3g}", f"|Δθ| = {np.linalg.norm(update):.3g}"]
    if eff is not None and np.all(np.isfinite(eff)):
        rows.append(f"effective lr = ({eff[0]:.2g}, {eff[1]:.2g})")
    return "<br>".join(rows)


def step_arrows(points: np.ndarray, grads: np.ndarray, state: dict, k: int, span: float) -> tuple[list, list]:
    """Arrows at step k (annotations) and their legend entries: -gradient, the update, the buffer's direction."""
    p, g = points[k], grads[k]
    update = points[k + 1] - p
    gn = np.linalg.norm(g)
    scale = span / 2 / gn if gn > 0 else 0.0
    arrows = [_arrow(p, -scale * g, GRAD), _arrow(p, update, UPDATE)]
    legend = [_legend(f"−gradient (drawn ×{scale:.2g})", GRAD), _legend("actual update Δθ", UPDATE)]
    for key in BUFFERS:
        v = state.get(key, np.full((k + 2, 2), np.nan))[k + 1]
        vn = np.linalg.norm(v)
        if np.isfinite(vn) and vn > 0:
            arrows.append(_arrow(p, -v * span / 2 / vn, BUFFER) | dict(arrowwidth=2.5, opacity=0.8))
            legend.append(_legend(f"−{key} (direction)", BUFFER))
    return arrows, legend


def step_view(xs, ys, z, name: str, points: np.ndarray, grads: np.ndarray, state: dict, k: int,
              minima: np.ndarray, height: int = 560, heights: dict | None = None) -> go.Figure:
    """Zoomed contour around step k (0 <= k < T) of one run: -gradient, actual update, velocity/first moment.

    heights: the landscape trace of xs, ys, z (viz.contours.landscape), if already made: a step move then only
    cuts it to the view instead of taking logs and percentiles of the whole grid again.
    """
    k = int(np.clip(k, 0, len(points) - 2))
    p = points[k]
    update = points[k + 1] - p
    span = max(4 * np.linalg.norm(update), 0.04 * (xs[-1] - xs[0]))
    arrows, legend = step_arrows(points, grads, state, k, span)
    path = path_traces(name, points[: k + 2], 0)
    path[0]["line"] = dict(color=color(0), width=2)
    xr, yr = [p[0] - span, p[0] + span], [p[1] - span, p[1] + span]
    data = [window(heights if heights is not None else landscape(xs, ys, z), xr, yr), *path,
            *marks(minima, points[0]), *legend]
    layout = plane_layout(xs, ys)
    layout["xaxis"]["range"], layout["yaxis"]["range"] = xr, yr
    eff = state.get("effective_lr")
    box = dict(text=_numbers(grads[k], update, None if eff is None else eff[k + 1]), xref="paper", yref="paper",
               x=0.01, y=0.99, xanchor="left", yanchor="top", showarrow=False, align="left",
               bgcolor="rgba(255,255,255,0.85)", bordercolor="#999", borderwidth=1,
               font=dict(size=14, color="#222"))  # a white box on the light map: dark text in both themes
    layout.update(annotations=[*arrows, box], uirevision=f"step-{name}",
                  title=dict(text=f"{name}, step {k} → {k + 1}", x=0.01), margin=dict(l=55, r=10, t=45, b=50))
    return figure(data, layout, height)


def state_lines(name: str, state: dict, k: int | None = None, height: int = 340) -> go.Figure:
    """|state| per coordinate (x solid, y dotted) against step, log axis; a vertical line at the inspected step."""
    data = []
    for i, (key, arr) in enumerate(state.items()):
        for j, axis in enumerate("xy"):
            with np.errstate(invalid="ignore"):
                y = steady(np.where(np.abs(arr[:, j]) > 0, np.abs(arr[:, j]), np.nan))
            data.append(dict(type="scatter", y=y, mode="lines", name=f"|{key}| ({axis})", legendgroup=key,
                             line=dict(color=color(i + 1), dash="solid" if j == 0 else "dot", width=2.5)))
    layout = dict(xaxis=dict(title=dict(text="step")), yaxis=dict(type="log", title=dict(text="magnitude"),
                                                                  exponentformat="power"),
                  title=dict(text=f"{name}: optimizer state per step", x=0.01), margin=dict(l=70, r=10, t=45, b=50),
                  legend=dict(x=1.02, xanchor="left", y=1.0, font=dict(size=14)))
    if k is not None:
        # mid grey: reads on the light and the dark theme
        marker = dict(type="line", x0=k, x1=k, yref="paper", y0=0, y1=1, line=dict(color="#888", dash="dash"))
        layout["shapes"] = [marker]
    return figure(data, layout, height)
