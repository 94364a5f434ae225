"""A small chart of a learning-rate schedule: lr relative to the optimizer's lr, per step."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.theme import color, figure


def schedule_chart(factor: np.ndarray, title: str = "", height: int = 170) -> go.Figure:
    """factor (T,): lr at step t (1-based) divided by the optimizer's lr; a line over steps 1..T."""
    t = np.arange(1, len(factor) + 1)
    line = dict(type="scatter", x=t, y=factor, mode="lines", line=dict(color=color(0), width=2.5), name=title,
                hovertemplate="step %{x}: lr × %{y:.3g}<extra></extra>")
    top = float(np.nanmax(factor)) if len(factor) else 1.0
    layout = dict(
        title=dict(text=title, font=dict(size=14), x=0.02, y=0.97) if title else None,
        xaxis=dict(title=dict(text="step", standoff=4), showgrid=False),
        yaxis=dict(title=dict(text="lr ÷ lr₀", standoff=4), range=[0.0, 1.08 * max(top, 1e-12)], rangemode="tozero"),
        showlegend=False, margin=dict(l=50, r=10, t=32 if title else 10, b=40),
    )
    return figure([line], layout, height)
