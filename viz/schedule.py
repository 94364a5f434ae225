"""Small charts of a learning-rate schedule: lr relative to the optimizer's lr per step (and a cycled momentum), or
the lr each optimizer actually got when the schedule follows its loss."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.theme import color, figure

MOMENTUM_COLOR = 3  # a colour apart from the lr line's


def schedule_chart(factor: np.ndarray, title: str = "", height: int = 170, momentum: np.ndarray | None = None,
                   momentum_name: str = "momentum") -> go.Figure:
    """factor (T,): lr at step t (1-based) divided by the optimizer's lr; a line over steps 1..T.

    momentum (T,): the momentum (or beta1) a cycling schedule sets at each step, dashed on a right axis
    from a tenth below its lowest value to 1.
    """
    t = np.arange(1, len(factor) + 1)
    data = [dict(type="scatter", x=t, y=factor, mode="lines", line=dict(color=color(0), width=2.5), name="lr",
                 hovertemplate="step %{x}: lr × %{y:.3g}<extra></extra>")]
    top = float(np.nanmax(factor)) if len(factor) else 1.0
    layout = dict(
        title=dict(text=title, font=dict(size=14), x=0.02, y=0.97) if title else None,
        xaxis=dict(title=dict(text="step", standoff=4), showgrid=False),
        yaxis=dict(title=dict(text="lr ÷ lr₀", standoff=4), range=[0.0, 1.08 * max(top, 1e-12)], rangemode="tozero"),
        showlegend=False, margin=dict(l=50, r=10, t=32 if title else 10, b=40),
    )
    if momentum is not None:
        data.append(dict(type="scatter", x=t, y=momentum, mode="lines", yaxis="y2", name=momentum_name,
                         line=dict(color=color(MOMENTUM_COLOR), width=2, dash="dash"),
                         hovertemplate=f"step %{{x}}: {momentum_name} %{{y:.3g}}<extra></extra>"))
        low = float(np.nanmin(momentum)) if len(momentum) else 0.0
        bottom = max(0.0, np.floor((low - 0.05) * 10) / 10)  # a tenth below the lowest value: the swing is visible
        ticks = np.round(np.arange(bottom, 1.0001, 0.1 if bottom >= 0.5 else 0.2), 2).tolist()
        layout["yaxis2"] = dict(title=dict(text=momentum_name, standoff=4), overlaying="y", side="right",
                                range=[bottom, 1.0], showgrid=False, tickmode="array", tickvals=ticks)
        layout["margin"] = {**layout["margin"], "r": 50}
    return figure(data, layout, height)


def used_lrs_chart(lrs: dict[str, np.ndarray], height: int = 220) -> go.Figure:
    """lrs: optimizer title -> the lr (T,) it used at steps 1..T (NaN after it diverged); log lr over steps, one line
    per optimizer in the race's colours (its order)."""
    data = [dict(type="scatter", x=np.arange(1, len(v) + 1), y=v, mode="lines", name=name,
                 line=dict(color=color(i), width=2.5, shape="hv"),
                 hovertemplate=f"{name}, step %{{x}}: lr %{{y:.3g}}<extra></extra>")
            for i, (name, v) in enumerate(lrs.items())]
    layout = dict(xaxis=dict(title=dict(text="step", standoff=4), showgrid=False),
                  yaxis=dict(title=dict(text="lr used", standoff=4), type="log"),
                  showlegend=True, legend=dict(orientation="h", y=-0.3), margin=dict(l=55, r=10, t=10, b=40))
    return figure(data, layout, height)
