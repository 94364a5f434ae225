"""The hyper-parameter sweep as a heatmap: final loss over lr (log axis) x a second hyper-parameter."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.theme import figure

GAP_FLOOR = 1e-12
DIVERGED = "#9a9a9a"  # mid grey: reads as "no value" on the light and the dark theme, apart from every Viridis colour


def sweep_heatmap(x: np.ndarray, y: np.ndarray, zvals: np.ndarray, xname: str, yname: str, floor: float,
                  current: tuple[float, float] | None = None, height: int = 540) -> go.Figure:
    """log10(final loss - floor) over x (len nx, log axis) and y (len ny); zvals (ny, nx); diverged cells grey.

    current marks the race's own setting; a star marks the best cell.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        shown = np.log10(np.maximum(np.where(np.isfinite(zvals), zvals, np.nan) - floor, GAP_FLOOR))
    lost = ~np.isfinite(zvals)
    # Diverged cells get a grey trace of their own, under the values: a background colour would let the theme's
    # gridlines (black on the dark theme) show through every blank cell.
    data = [dict(type="heatmap", x=x, y=y, z=np.where(lost, 1.0, np.nan), colorscale=[[0, DIVERGED], [1, DIVERGED]],
                 showscale=False, zsmooth=False, name="diverged",
                 hovertemplate=f"{xname}=%{{x:.3g}}<br>{yname}=%{{y:.3g}}<br>diverged<extra></extra>"),
            dict(type="heatmap", x=x, y=y, z=shown, colorscale="Viridis", reversescale=True, zsmooth=False,
                 colorbar=dict(title=dict(text="log10(f − f*)", side="right")),
                 hovertemplate=f"{xname}=%{{x:.3g}}<br>{yname}=%{{y:.3g}}<br>log10 gap %{{z:.2f}}<extra></extra>")]
    if np.isfinite(shown).any():
        j, i = np.unravel_index(np.nanargmin(shown), shown.shape)
        data.append(dict(type="scatter", x=[x[i]], y=[y[j]], mode="markers", name="best",
                         marker=dict(symbol="star", size=18, color="#F0E442", line=dict(color="black", width=1.2))))
    if current is not None:
        data.append(dict(type="scatter", x=[current[0]], y=[current[1]], mode="markers", name="this race",
                         marker=dict(symbol="circle-open", size=18, color="white", line=dict(width=3))))
    blank = int(lost.sum())
    # The cells cover the whole plot: gridlines and zero lines could only be drawn across them.
    bare = dict(showgrid=False, zeroline=False)
    layout = dict(xaxis=dict(type="log", title=dict(text=xname), exponentformat="power", **bare),
                  yaxis=dict(title=dict(text=yname), **bare),
                  legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0),
                  title=dict(text=f"Final loss gap; {blank} of {zvals.size} runs diverged (grey)", x=0.01, y=0.98),
                  margin=dict(l=70, r=10, t=70, b=50), plot_bgcolor="rgba(0,0,0,0)")
    return figure(data, layout, height)
