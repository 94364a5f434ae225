"""lr sensitivity: final loss against learning rate (log axis), one line per optimizer, its best lr starred."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.theme import color, figure

GAP_FLOOR = 1e-16


def sensitivity_chart(names: list[str], lrs: np.ndarray, final: np.ndarray, best: np.ndarray, floor: float | None,
                   used: dict[str, float] | None = None, height: int = 420) -> go.Figure:
    """final (N, L) over lrs (L,): f - floor on a log axis (floor None: raw f, linear); inf (diverged) is a gap.

    A star marks each line's best lr (best (N,), NaN: none), an open circle the lr the race uses (`used`, by name).
    The log axis bottoms out at 1e-16, so several lrs can look equally good there; the star is the true argmin.
    """
    data = []
    with np.errstate(invalid="ignore"):
        shown = np.where(np.isfinite(final), final, np.nan)
        if floor is not None:
            shown = np.maximum(shown - floor, GAP_FLOOR)
    for i, name in enumerate(names):
        y = shown[i]
        data.append(dict(type="scatter", x=lrs, y=y, mode="lines+markers", name=name, legendgroup=name,
                         line=dict(color=color(i), width=2.5), marker=dict(size=6),
                         hovertemplate=f"{name}<br>lr %{{x:.3g}}: %{{y:.3g}}<extra></extra>"))
        if np.isfinite(best[i]) and best[i] in lrs:
            j = list(lrs).index(best[i])
            data.append(dict(type="scatter", x=[lrs[j]], y=[y[j]], mode="markers", legendgroup=name,
                             showlegend=False, hovertemplate=f"{name}: best lr %{{x:.3g}}<extra></extra>",
                             marker=dict(symbol="star", size=17, color=color(i), line=dict(color="black", width=1))))
        lr = (used or {}).get(name)
        if lr is not None and lr in lrs and np.isfinite(y[list(lrs).index(lr)]):
            data.append(dict(type="scatter", x=[lr], y=[y[list(lrs).index(lr)]], mode="markers", legendgroup=name,
                             showlegend=False, hovertemplate=f"{name}: the race's lr %{{x:.3g}}<extra></extra>",
                             marker=dict(symbol="circle-open", size=16, color=color(i), line=dict(width=2.5))))
    ytitle = "final f − f*" if floor is not None else "final f"
    layout = dict(xaxis=dict(type="log", title=dict(text="lr"), exponentformat="power"),
                  yaxis=dict(type="log" if floor is not None else "linear", title=dict(text=ytitle),
                             exponentformat="power"),
                  legend=dict(x=1.02, xanchor="left", y=1.0, font=dict(size=14)),
                  title=dict(text="Final loss against lr (★ best, ○ this race; a gap = diverged)", x=0.01),
                  margin=dict(l=70, r=10, t=45, b=50))
    return figure(data, layout, height)
