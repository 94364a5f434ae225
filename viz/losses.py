"""Loss against step on a log axis: how fast each optimizer closes the gap to the best known value."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.contours import thin
from viz.theme import color, figure

FLOOR = 1e-16  # below float64's resolution of f near a minimum; keeps the log axis finite


def losses(values: dict[str, np.ndarray], floor: float, diverged: dict[str, int | None],
           height: int = 340) -> go.Figure:
    """f - floor (floor = lowest known value) per step (T+1,) on a log axis; a cross marks each divergence."""
    data = []
    for i, (name, v) in enumerate(values.items()):
        steps = thin(np.arange(len(v)), 1000)
        gap = np.maximum(v[steps] - floor, FLOOR)
        data.append(dict(type="scatter", x=steps, y=gap, mode="lines", name=name, line=dict(color=color(i), width=2.5),
                         hovertemplate=f"{name}<br>step %{{x}}: %{{y:.3g}}<extra></extra>"))
        k = diverged.get(name)
        if k is not None and k > 0 and np.isfinite(v[k - 1]):
            data.append(dict(type="scatter", x=[k - 1], y=[max(v[k - 1] - floor, FLOOR)], mode="markers",
                             showlegend=False, marker=dict(symbol="x", size=14, color=color(i)),
                             hovertemplate=f"{name}: diverged at step {k}<extra></extra>"))
    layout = dict(xaxis=dict(title=dict(text="step")),
                  yaxis=dict(type="log", title=dict(text="f − f*"), exponentformat="power"),
                  legend=dict(x=1.02, xanchor="left", y=1.0, font=dict(size=14)),
                  margin=dict(l=70, r=10, t=30, b=50), title=dict(text="Loss gap per step (log scale)", x=0.01))
    return figure(data, layout, height)
