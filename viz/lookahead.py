"""Nesterov's look-ahead drawn: the momentum jump, the gradient at the look-ahead point, and the plain step."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.optim.lookahead import LookAhead
from viz.contours import landscape, plane_layout
from viz.inspector import GRAD, UPDATE, _arrow, _legend
from viz.theme import figure

JUMP, PLAIN = "#009E73", "#CC79A7"


def _dot(p, name: str, col: str, symbol: str = "circle") -> dict:
    return dict(type="scatter", x=[p[0]], y=[p[1]], mode="markers", name=name,
                marker=dict(symbol=symbol, size=13, color=col, line=dict(color="black", width=1)),
                hovertemplate=f"{name}<br>(%{{x:.4g}}, %{{y:.4g}})<extra></extra>")


def lookahead_view(xs, ys, z, la: LookAhead, k: int, height: int = 700) -> go.Figure:
    """Zoomed contour at step k: anchor -> look-ahead (momentum jump), then the gradient step taken at the
    look-ahead (Nesterov) and the one taken at the anchor (plain momentum), both from the look-ahead point."""
    pts = np.array([la.anchor, la.look, la.nesterov_next, la.plain_next, la.theta, la.theta_next])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    span = max(float((hi - lo).max()) * 0.75, 0.01 * (xs[-1] - xs[0]))
    mid = (lo + hi) / 2
    arrows = [_arrow(la.anchor, la.jump, JUMP), _arrow(la.look, la.nesterov_next - la.look, GRAD),
              _arrow(la.look, la.plain_next - la.look, PLAIN) | dict(opacity=0.8)]
    data = [landscape(xs, ys, z),
            _legend("momentum jump μv (same for both)", JUMP), _legend("−lr·∇f at the look-ahead (Nesterov)", GRAD),
            _legend("−lr·∇f at the anchor (plain momentum)", PLAIN),
            _dot(la.anchor, "anchor φₖ (classic iterate)", "white"),
            _dot(la.look, "look-ahead φₖ + μvₖ", JUMP, "diamond"),
            _dot(la.nesterov_next, "Nesterov lands", GRAD), _dot(la.plain_next, "plain momentum lands", PLAIN)]
    if la.nesterov:  # torch's iterates are the look-ahead points: show its own step too
        arrows.append(_arrow(la.theta, la.theta_next - la.theta, UPDATE) | dict(arrowwidth=2, opacity=0.7))
        data += [_legend("torch's step θₖ → θₖ₊₁ (look-ahead to look-ahead)", UPDATE),
                 _dot(la.theta_next, "θₖ₊₁ (torch)", UPDATE, "square")]
    layout = plane_layout(xs, ys)
    layout["xaxis"]["range"] = [mid[0] - span, mid[0] + span]
    layout["yaxis"]["range"] = [mid[1] - span, mid[1] + span]
    layout.update(annotations=arrows, uirevision="lookahead", margin=dict(l=55, r=10, t=45, b=40),
                  legend=dict(orientation="h", x=0.0, y=-0.13, yanchor="top", font=dict(size=14)),
                  title=dict(text=f"Step {k} → {k + 1} in the classic look-ahead picture", x=0.01))
    return figure(data, layout, height)
