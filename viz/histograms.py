"""Per-layer histograms: both nets of a pair side by side, and the init lab's layers of one fresh net."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from viz.grid_layout import axis_name, corner_note, grid, ref
from viz.theme import PALETTE, figure

PLAIN, NORMED = "#D55E00", "#0072B2"  # Okabe-Ito vermillion for the plain net, blue for the normalized one
KIND_TITLES = {"pre": "pre-activation", "post": "post-activation", "grad": "weight gradient"}
MAX_COLUMNS = 8


def shown_layers(depth: int, limit: int = MAX_COLUMNS) -> list[int]:
    """Indices of at most ``limit`` layers spread over the depth, first and last always included."""
    if depth <= limit:
        return list(range(depth))
    return sorted({int(round(i)) for i in np.linspace(0, depth - 1, limit)})


def bars(h, color: str, name: str, k: int, show: bool = False) -> dict:
    """Bar trace of a ``Histogram`` (fractions on fixed edges) drawn in panel k."""
    centers = (h.edges[:-1] + h.edges[1:]) / 2
    return dict(type="bar", x=centers, y=h.counts, width=float(h.edges[1] - h.edges[0]), marker_color=color,
                marker_line_width=0, name=name, legendgroup=name, showlegend=show, xaxis=ref("x", k),
                yaxis=ref("y", k), hovertemplate=f"{name}<br>%{{x:.3g}}: %{{y:.1%}}<extra></extra>")


def _saturated(share: float) -> str:
    return "" if share != share else f"<br>sat {share:.0%}"  # nan: not measured


def pair_histograms(snap, kind: str = "pre", names: Sequence[str] = ("No normalization", "Normalized"),
                    layers: Sequence[int] | None = None) -> go.Figure:
    """Rows: the two nets; columns: hidden layers; bars: share of values per fixed bin at ``snap.step``."""
    layers = list(layers) if layers is not None else shown_layers(len(snap.plain.layers))
    cols = len(layers)
    lay = grid(2, cols, hspace=0.025 if cols > 4 else 0.04, vspace=0.2,
               col_titles=[f"layer {i + 1}" for i in layers])
    data = []
    for r, (stats, color, name) in enumerate(((snap.plain, PLAIN, names[0]), (snap.normed, NORMED, names[1]))):
        for c, i in enumerate(layers):
            k = r * cols + c
            h = stats.layers[i].hist(kind)
            data.append(bars(h, color, name, k, show=c == 0))
            lay["annotations"].append(corner_note(f"μ {h.mean:.2g}<br>σ {h.std:.2g}"
                                                  + _saturated(stats.layers[i].saturated), k))
            lay[axis_name("y", k)].update(showticklabels=False, rangemode="tozero")
            lay[axis_name("x", k)].update(nticks=4, tickfont=dict(size=12))
    lay["bargap"] = 0
    return figure(data, lay, 440, f"{KIND_TITLES[kind].capitalize()} of each layer · step {snap.step}")


def init_histograms(stats: Sequence, title: str, color: str = NORMED, kind: str = "post") -> go.Figure:
    """One row of histograms, one per layer of a freshly initialized net (``forward_stats`` output)."""
    layers = shown_layers(len(stats), 10)
    lay = grid(1, len(layers), hspace=0.015, col_titles=[f"layer {i + 1}" for i in layers], shared_y=True)
    data = []
    for c, i in enumerate(layers):
        h = stats[i].hist(kind)
        data.append(bars(h, color, title, c))
        lay["annotations"].append(corner_note(f"σ {h.std:.2g}", c))
        lay[axis_name("x", c)].update(nticks=3, tickfont=dict(size=12))
    lay["yaxis"].update(showticklabels=False, range=[0, 1.05])
    lay["bargap"] = 0
    return figure(data, lay, 250, title)


def init_std_chart(std_by_init: dict[str, Sequence[float]], titles: dict[str, str], activation: str) -> go.Figure:
    """Std of each layer's output (log scale) against depth, one line per initialization."""
    data = [dict(type="scatter", x=np.arange(1, len(s) + 1), y=np.maximum(np.asarray(s), 1e-30),
                 mode="lines+markers", name=titles.get(name, name), line=dict(color=PALETTE[k % len(PALETTE)],
                                                                               width=3))
            for k, (name, s) in enumerate(std_by_init.items())]
    lay = grid(1, 1)
    lay["xaxis"].update(title_text="layer", dtick=1)
    lay["yaxis"].update(title_text="std (log scale)", type="log", exponentformat="power")
    return figure(data, lay, 380, f"Std of each layer's {activation} output at initialization")
