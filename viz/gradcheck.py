"""Gradient-check figures: relative error per parameter tensor, and the error against the step h."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.gradcheck import THRESHOLDS, GradCheck
from viz.theme import PALETTE, figure

FINE, SUSPICIOUS, WRONG = PALETTE[2], PALETTE[1], PALETTE[3]
FLOOR = 1e-16  # a relative error of exactly 0 still needs a spot on a log axis
CURVES = (PALETTE[0], PALETTE[1], PALETTE[4])  # float64, float32, float64 with the bug: never the verdict green
NEUTRAL = "#888"  # mid grey for the chosen h and the side notes: contrast >= 3 on the light and the dark theme


def verdict(err: float) -> str:
    """CS231n's reading of a relative error for a smooth network."""
    if err < THRESHOLDS["fine"]:
        return "fine"
    return "suspicious" if err < THRESHOLDS["suspicious"] else "wrong"


def _threshold_lines(x0: float, x1: float, xref: str = "paper") -> list[dict]:
    return [dict(type="line", x0=x0, x1=x1, y0=v, y1=v, xref=xref, yref="y", line=dict(color=c, dash="dash"))
            for v, c in ((THRESHOLDS["fine"], FINE), (THRESHOLDS["suspicious"], WRONG))]


def _threshold_legend() -> list[dict]:
    """Legend entries for the dashed threshold lines (labels on the plot would cover bars or curves)."""
    return [dict(type="scatter", mode="lines", x=[None], y=[None], name=text, line=dict(color=c, dash="dash"))
            for c, text in ((FINE, "1e-7: below is fine"), (WRONG, "1e-4: above is a bug"))]


def tensor_errors(res: GradCheck) -> go.Figure:
    """Relative error |a-n| / max(|a|,|n|) of each parameter tensor (norms), log scale, coloured by verdict."""
    names, errs = list(res.per_tensor), np.array(list(res.per_tensor.values()))
    colors = [{"fine": FINE, "suspicious": SUSPICIOUS, "wrong": WRONG}[verdict(e)] for e in errs]
    data = [dict(type="bar", x=names, y=np.maximum(errs, FLOOR), marker=dict(color=colors), showlegend=False,
                 text=[f"{e:.1e}" for e in errs], textposition="outside", cliponaxis=False,
                 hovertemplate="%{x}: %{y:.2e}<extra></extra>"), *_threshold_legend()]
    layout = dict(yaxis=dict(type="log", exponentformat="power", range=[-16, 1.5], title=dict(text="relative error")),
                  xaxis=dict(title=dict(text="parameter tensor")), shapes=_threshold_lines(0, 1),
                  title=dict(text="Relative error per parameter tensor"),
                  legend=dict(orientation="h", x=0, y=-0.22, xanchor="left"))
    return figure(data, layout, height=400)


def h_curve(hs: np.ndarray, errs: dict[str, np.ndarray], h: float) -> go.Figure:
    """Largest relative error against the step h (log-log), one line per dtype; the chosen h marked."""
    data = []
    for i, (name, e) in enumerate(errs.items()):
        data.append(dict(type="scatter", mode="lines+markers", x=hs, y=np.maximum(e, FLOOR), name=name,
                         line=dict(color=CURVES[i % len(CURVES)], width=3), marker=dict(size=5),
                         hovertemplate="h = %{x:.0e}: %{y:.1e}<extra>" + name + "</extra>"))
    data += _threshold_legend()
    shapes = _threshold_lines(0, 1) + [dict(type="line", x0=h, x1=h, y0=0, y1=1, xref="x", yref="paper",
                                            line=dict(color=NEUTRAL, width=2))]
    notes = [
        dict(text=f"h = {h:.0e}", x=np.log10(h), y=1, xref="x", yref="paper", showarrow=False, yanchor="bottom",
             font=dict(size=13)),
        dict(text="round-off ~ eps / h", x=0.02, y=0.03, xref="paper", yref="paper", showarrow=False,
             xanchor="left", yanchor="bottom", font=dict(size=13, color=NEUTRAL)),
        dict(text="truncation ~ h\u00b2", x=0.98, y=0.03, xref="paper", yref="paper", showarrow=False,
             xanchor="right", yanchor="bottom", font=dict(size=13, color=NEUTRAL))]
    layout = dict(xaxis=dict(type="log", exponentformat="power", title=dict(text="step h"), dtick=2),
                  yaxis=dict(type="log", exponentformat="power", range=[-12, 1],
                             title=dict(text="largest tensor error")),
                  shapes=shapes, annotations=notes, title=dict(text="Relative error vs step h"),
                  legend=dict(orientation="h", x=0, y=-0.22, xanchor="left"))
    return figure(data, layout, height=400)
