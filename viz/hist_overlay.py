"""Histograms drawn on one axis: both nets per layer, several steps of one net, and every layer in a grid.

The two nets keep their own fixed bins, so overlaid curves show density (share per unit of value): bars of
different widths would otherwise not compare.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from viz.grid_layout import axis_name, corner_note, grid, ref
from viz.histograms import KIND_TITLES, NORMED, PLAIN, shown_layers
from viz.theme import figure

NETS = ("plain", "normed")
COLORS = (PLAIN, NORMED)


def _rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha:.3g})"


def density_line(h, color: str, name: str, k: int, opacity: float = 1.0, show: bool = False,
                 fill: bool = True) -> dict:
    """Step outline of a ``Histogram`` as density (fraction / bin width) in panel k, optionally filled."""
    width = np.diff(h.edges)
    y = np.asarray(h.counts, dtype=np.float64) / np.where(width > 0, width, 1.0)
    return dict(type="scatter", x=h.edges, y=np.append(y, y[-1]), mode="lines", line_shape="hv", name=name,
                legendgroup=name, showlegend=show, line=dict(color=_rgba(color, opacity), width=2),
                fill="tozeroy" if fill else "none", fillcolor=_rgba(color, 0.22 * opacity),
                xaxis=ref("x", k), yaxis=ref("y", k), hovertemplate=f"{name}<br>%{{x:.3g}}<extra></extra>")


def _sat_note(stats, i: int) -> str:
    layer = stats.layers[i]
    return f"sat {layer.saturated:.0%} · σ {layer.std:.2g}"


def _panel_axes(lay: dict, k: int) -> None:
    lay[axis_name("y", k)].update(showticklabels=False, rangemode="tozero")
    lay[axis_name("x", k)].update(nticks=4, tickfont=dict(size=12))


def overlay_histograms(snap, kind: str = "pre", names: Sequence[str] = ("No normalization", "Normalized"),
                       layers: Sequence[int] | None = None, cols: int | None = None) -> go.Figure:
    """Per layer one panel with both nets' histograms on the same axis; panels wrap after ``cols`` columns."""
    layers = list(layers) if layers is not None else shown_layers(len(snap.plain.layers))
    cols = cols or len(layers)
    rows = -(-len(layers) // cols)
    lay = grid(rows, cols, hspace=0.03 if cols > 4 else 0.05, vspace=0.32 / rows + 0.06,
               col_titles=[f"layer {i + 1}" for i in layers[:cols]])
    data = []
    for p, i in enumerate(layers):
        for net, color, name in zip(NETS, COLORS, names, strict=True):
            stats = getattr(snap, net)
            # Only the normalized net is filled: two translucent fills of complementary colours mix to grey.
            data.append(density_line(stats.layers[i].hist(kind), color, name, p, show=p == 0,
                                     fill=net == "normed"))
        if p >= cols:  # wrapped rows title their panels with a note (grid titles only the first row)
            lay["annotations"].append(corner_note(f"<b>layer {i + 1}</b>", p, x=0.02))
            lay["annotations"][-1]["xanchor"] = "left"
        notes = "<br>".join(f"<span style='color:{c}'>{_sat_note(getattr(snap, n), i)}</span>"
                            for n, c in zip(NETS, COLORS, strict=True))
        lay["annotations"].append(corner_note(notes, p))
        _panel_axes(lay, p)
    height = 300 + 230 * (rows - 1)
    return figure(data, lay, height, f"{KIND_TITLES[kind].capitalize()}, both nets on one axis · step {snap.step}")


def step_overlay(snaps: Sequence, kind: str = "pre", names: Sequence[str] = ("No normalization", "Normalized"),
                 layers: Sequence[int] | None = None, lines: int = 6) -> go.Figure:
    """Rows: the two nets; columns: layers; in each panel ``lines`` recorded steps, older ones fainter."""
    last = snaps[-1]
    layers = list(layers) if layers is not None else shown_layers(len(last.plain.layers))
    pick = np.unique(np.linspace(0, len(snaps) - 1, min(lines, len(snaps))).round().astype(int))
    cols = len(layers)
    lay = grid(2, cols, hspace=0.025 if cols > 4 else 0.04, vspace=0.2,
               col_titles=[f"layer {i + 1}" for i in layers])
    data = []
    for r, (net, color, name) in enumerate(zip(NETS, COLORS, names, strict=True)):
        for c, i in enumerate(layers):
            k = r * cols + c
            for j, t in enumerate(pick):  # oldest first, so the newest is drawn on top
                h = getattr(snaps[t], net).layers[i].hist(kind)
                newest = j == len(pick) - 1
                trace = density_line(h, color, name, k, opacity=0.15 + 0.85 * (j + 1) / len(pick),
                                     show=newest and c == 0, fill=newest)
                trace["hovertemplate"] = f"{name}, step {snaps[t].step}<br>%{{x:.3g}}<extra></extra>"
                data.append(trace)
            _panel_axes(lay, k)
    steps = ", ".join(str(snaps[t].step) for t in pick)
    return figure(data, lay, 440, f"{KIND_TITLES[kind].capitalize()} at steps {steps} (older = fainter)")
