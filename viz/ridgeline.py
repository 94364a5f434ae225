"""The time view of one layer: its histogram against training step, as a heatmap or an offset ridgeline."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from viz.grid_layout import axis_name, grid, ref
from viz.histograms import KIND_TITLES, NORMED, PLAIN
from viz.theme import figure

NETS = ("plain", "normed")


def history_matrix(snaps: Sequence, net: str, kind: str, layer: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Steps (T,), bin centers (B,) and fractions (T, B) of one net's layer over the recorded history."""
    hists = [getattr(s, net).layers[layer].hist(kind) for s in snaps]
    edges = hists[0].edges
    return (np.array([s.step for s in snaps]), (edges[:-1] + edges[1:]) / 2,
            np.stack([h.counts for h in hists]))


def _title(kind: str, layer: int) -> str:
    return f"Layer {layer + 1}: {KIND_TITLES[kind]} over training"


def time_heatmap(snaps: Sequence, kind: str = "pre", layer: int = 0,
                 names: Sequence[str] = ("No normalization", "Normalized")) -> go.Figure:
    """Side by side: x = step, y = value (fixed bins), colour = share of values in the bin."""
    lay, data = grid(1, 2, hspace=0.08, col_titles=list(names)), []
    for k, net in enumerate(NETS):
        steps, centers, z = history_matrix(snaps, net, kind, layer)
        # sqrt keeps thin tails visible next to a tall mode without a log's blow-up at 0.
        data.append(dict(type="heatmap", x=steps, y=centers, z=np.sqrt(z.T), colorscale="Blues", showscale=False,
                         customdata=z.T, xaxis=ref("x", k), yaxis=ref("y", k),
                         hovertemplate="step %{x}<br>value %{y:.3g}<br>%{customdata:.1%} of values<extra></extra>"))
        lay[axis_name("x", k)].update(title_text="step")
    lay["yaxis"].update(title_text="value")
    return figure(data, lay, 360, _title(kind, layer))


def ridgeline(snaps: Sequence, kind: str = "pre", layer: int = 0,
              names: Sequence[str] = ("No normalization", "Normalized"), lines: int = 20) -> go.Figure:
    """TensorBoard-like offset histograms: one curve per recorded step, oldest at the back, newest in front."""
    pick = np.unique(np.linspace(0, len(snaps) - 1, min(lines, len(snaps))).round().astype(int))
    lay, data = grid(1, 2, hspace=0.08, col_titles=list(names)), []
    for k, (net, color) in enumerate(zip(NETS, (PLAIN, NORMED), strict=True)):
        steps, centers, z = history_matrix([snaps[i] for i in pick], net, kind, layer)
        n, scale = len(steps), 2.5 / max(float(z.max()), 1e-12)  # the tallest bar spans 2.5 line spacings
        for j in range(n):  # drawn oldest first, so newer curves (lower) cover older ones
            data.append(dict(type="scatter", x=centers, y=(n - 1 - j) + z[j] * scale, mode="lines",
                             line=dict(color=color, width=1.5), opacity=0.3 + 0.7 * (j + 1) / n, fill="toself",
                             fillcolor="rgba(255,255,255,0.9)", showlegend=False, xaxis=ref("x", k),
                             yaxis=ref("y", k), hovertemplate=f"step {steps[j]}<br>%{{x:.3g}}<extra></extra>"))
        ticks = np.unique(np.linspace(0, n - 1, min(5, n)).round().astype(int))
        # Both panels show the same steps: labels on the left panel only (the right one's would overlap it)
        lay[axis_name("y", k)].update(tickvals=n - 1 - ticks, ticktext=[f"step {steps[t]}" for t in ticks],
                                      showgrid=False, showticklabels=k == 0)
        lay[axis_name("x", k)].update(title_text="value")
    # Each curve hides the older ones behind it with a white fill, so the plot area is white in both themes (a
    # light "printed" panel); only the axes' text sits outside it and follows the theme.
    for note in lay["annotations"]:  # panel titles a little higher: they sat on the white panel's edge
        note["yshift"] = 10
    return figure(data, lay | {"plot_bgcolor": "white"}, 420, _title(kind, layer))
