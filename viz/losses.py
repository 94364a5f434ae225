"""Loss against step on a log axis: how fast each optimizer closes the gap to the best known value."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.contours import thin
from viz.theme import color, figure

POINTS = 600  # per line: about the chart's width in pixels, so thinner would show and more would not
FLOOR = 1e-16  # below float64's resolution of f near a minimum; keeps the log axis finite
BELOW = 1e-9  # a gap below -BELOW * max(1, |floor|) is not rounding: the run went lower than the floor


def _below(v: np.ndarray, floor: float) -> np.ndarray:
    """Where losses v (T+1,) lie below the floor by more than rounding (a surface unbounded below, e.g. the saddle)."""
    with np.errstate(invalid="ignore"):
        return v - floor < -BELOW * max(1.0, abs(floor))


def _end_mark(name: str, i: int, step: int, gap: float, text: str, symbol: str) -> dict:
    """One marker where a run's line ends (x: diverged, triangle-down: fell below the floor)."""
    return dict(type="scatter", x=[step], y=[gap], mode="markers", showlegend=False,
                marker=dict(symbol=symbol, size=14, color=color(i)), hovertemplate=f"{name}: {text}<extra></extra>")


def gap_line(v: np.ndarray, floor: float) -> tuple[np.ndarray, np.ndarray]:
    """Steps and f - floor of losses v (T+1,), thinned: rounding below the floor shows as FLOOR, a fall below it
    (the run is lower than the floor, not converged) as a gap."""
    steps = thin(np.arange(len(v)), POINTS)
    gap = np.maximum(v[steps] - floor, FLOOR)
    gap[_below(v[steps], floor)] = np.nan
    return steps, gap


def losses(values: dict[str, np.ndarray], floor: float, diverged: dict[str, int | None],
           height: int = 340, escaped: frozenset[str] | set[str] = frozenset(), legend: bool = True) -> go.Figure:
    """f - floor (floor = lowest known value) per step (T+1,) on a log axis; a cross marks each divergence.

    A run that falls below the floor (escaped: left the box downhill) ends its line with a downward triangle where
    it crossed the floor instead of lying at FLOOR as if it had converged. legend=False draws none (beside a chart
    whose legend names the same colours, the curves then get the whole width).
    """
    data = []
    for i, (name, v) in enumerate(values.items()):
        steps, gap = gap_line(v, floor)
        # int32 steps and float32 gaps: half the bytes of every redraw; a log axis shows 3 digits of them
        data.append(dict(type="scatter", x=steps.astype(np.int32), y=gap.astype(np.float32), mode="lines", name=name,
                         line=dict(color=color(i), width=2.5),
                         hovertemplate=f"{name}<br>step %{{x}}: %{{y:.3g}}<extra></extra>"))
        below = np.flatnonzero(_below(v, floor))
        k = diverged.get(name)
        if len(below) and below[0] > 0:
            j = int(below[0])
            text = f"escaped downhill at step {k}" if name in escaped else f"below the floor from step {j}"
            data.append(_end_mark(name, i, j - 1, max(v[j - 1] - floor, FLOOR), text, "triangle-down"))
        elif k is not None and k > 0 and np.isfinite(v[k - 1]):
            text = f"escaped downhill at step {k}" if name in escaped else f"diverged at step {k}"
            data.append(_end_mark(name, i, k - 1, max(v[k - 1] - floor, FLOOR), text,
                                  "triangle-down" if name in escaped else "x"))
    # No "(log scale)" in the title: the 10^k ticks say it, and beside the map at 1280 px it was cut off.
    layout = dict(xaxis=dict(title=dict(text="step")),
                  yaxis=dict(type="log", title=dict(text="f − f*"), exponentformat="power"),
                  legend=dict(x=1.02, xanchor="left", y=1.0, font=dict(size=14)),
                  margin=dict(l=70, r=10, t=30, b=50), title=dict(text="Loss gap per step", x=0.01))
    if not legend:
        layout["showlegend"] = False
    return figure(data, layout, height)
