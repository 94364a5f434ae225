"""Santurkar et al.'s Figure 4 for the plain and the BN net: loss band, gradient predictiveness, β-smoothness."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.grid_layout import axis_name, grid, ref
from viz.histograms import NORMED, PLAIN
from viz.theme import figure

NAMES = ("No normalization", "Batch norm")
COLORS = (PLAIN, NORMED)  # the app's plain / normalized colours (viz.histograms)
PANELS = ("loss along the gradient (band; dotted: at x)", "gradient change ‖∇L(x) − ∇L(x′)‖", "effective β-smoothness")


def _fill(color: str, alpha: float = 0.3) -> str:
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def with_gaps(a: np.ndarray) -> list:
    """Plain floats with None for gaps (NaN, a net that diverged): plotly breaks the line there."""
    return [float(v) if np.isfinite(v) else None for v in np.asarray(a, dtype=float)]


def _band(steps, lo, hi, color: str, name: str, k: int, show: bool) -> list[dict]:
    common = dict(type="scatter", mode="lines", x=steps, legendgroup=name, xaxis=ref("x", k), yaxis=ref("y", k))
    return [dict(common, y=with_gaps(lo), line=dict(color=color, width=1), showlegend=False, hoverinfo="skip"),
            dict(common, y=with_gaps(hi), line=dict(color=color, width=1), fill="tonexty", fillcolor=_fill(color),
                 name=name, showlegend=show, hovertemplate=f"{name}<br>step %{{x}}: %{{y:.3g}}<extra></extra>")]


def smoothness_figure(result) -> go.Figure:
    """Three panels over training (x: step): the loss band over the probed step sizes with the loss at the point
    (line), the band of gradient changes over the step sizes, and the effective β-smoothness; both nets each."""
    steps = result.steps.tolist()
    lo, hi = result.band
    plo, phi = result.predictiveness
    lay, data = grid(1, 3, hspace=0.08, col_titles=list(PANELS)), []
    for i, (color, name) in enumerate(zip(COLORS, NAMES, strict=True)):
        data += _band(steps, lo[i], hi[i], color, name, 0, True)
        data.append(dict(type="scatter", mode="lines", x=steps, y=with_gaps(result.loss[i]), name=name,
                         legendgroup=name, showlegend=False, line=dict(color=color, width=2, dash="dot"),
                         hovertemplate=f"{name}, loss at the point<br>step %{{x}}: %{{y:.3g}}<extra></extra>"))
        data += _band(steps, plo[i], phi[i], color, name, 1, False)
        data.append(dict(type="scatter", mode="lines", x=steps, y=with_gaps(result.beta[i]), name=name,
                         legendgroup=name, showlegend=False, line=dict(color=color, width=3), xaxis="x3",
                         yaxis="y3", hovertemplate=f"{name}<br>step %{{x}}: β = %{{y:.3g}}<extra></extra>"))
    for k in range(3):
        lay[axis_name("x", k)].update(title_text="step")
    for k in (0, 1):  # losses and gradient changes span decades; decades only, minor labels clutter
        lay[axis_name("y", k)].update(type="log", exponentformat="power", dtick=1)
    lay["yaxis3"].update(rangemode="tozero")
    eta = result.etas / result.config.net.lr
    fig = figure(data, lay, 400, f"Along the gradient, step sizes {eta[0]:.2g}–{eta[-1]:.2g} × lr "
                 f"({len(eta)} probes)")
    fig.layout.legend.update(y=0.0, yanchor="bottom", x=0.5, xanchor="center", yref="container")
    fig.layout.margin.b = 80
    return fig
