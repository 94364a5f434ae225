"""Per-layer histograms: both nets of a pair side by side, and the init lab's layers of one fresh net."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from viz.grid_layout import LINE, axis_name, corner_note, grid, ref
from viz.theme import PALETTE, figure

PLAIN, NORMED = "#D55E00", "#0072B2"  # Okabe-Ito vermillion for the plain net, blue for the normalized one
# In the order of core.paired_trainer.KINDS, which indexes Snapshot.outside.
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


def outline(edges: np.ndarray, heights: np.ndarray, base: float, shares: np.ndarray):
    """The step outline of bars ``heights`` (K) on ``edges`` (K+1) standing on ``base``, closed and ended by a gap:
    x, y (2K+3, the gap NaN) and each vertex's bin share (a bar's top corners carry its share, the feet the end
    bins')."""
    x = np.concatenate([[edges[0]], np.repeat(edges, 2)[1:-1], [edges[-1], np.nan]])
    y = np.concatenate([[base], np.repeat(base + heights, 2), [base, np.nan]])
    share = np.concatenate([[shares[0]], np.repeat(shares, 2), [shares[-1], np.nan]])
    return x, y, share


def _saturated(share: float) -> str:
    return "" if share != share else f" · sat {share:.0%}"  # nan: not measured


def _short(x: float) -> str:
    return f"{x:.2g}".replace("e-0", "e-").replace("e+0", "e")


def inside(h, outside: np.ndarray | None) -> np.ndarray:
    """Shares per bin of the values inside the range: the end bins lose what was clamped into them."""
    counts = np.array(h.counts, dtype=np.float64)
    if outside is not None:
        counts[0], counts[-1] = max(counts[0] - outside[0], 0.0), max(counts[-1] - outside[1], 0.0)
    return counts


def _outside(snap, net: int, kind: str, layer: int) -> np.ndarray | None:
    out = snap.outside[net] if snap.outside is not None else None
    return None if out is None else out[list(KIND_TITLES).index(kind), layer]


def _row_label(i: int, h, saturated: float) -> str:
    return f"<b>layer {i + 1}</b>{_saturated(saturated)}<br>μ {_short(h.mean)} · σ {_short(h.std)}"


def _net_panel(snap, net: int, kind: str, name: str, color: str, layers: list[int], k: int, lay: dict) -> list[dict]:
    """One net's layers as rows of bars on the net's one range (layer 1 on top); clipped shares as edge markers."""
    stats = (snap.plain, snap.normed)[net]
    lo, hi = float(min(stats.layers[i].hist(kind).edges[0] for i in layers)), float(
        max(stats.layers[i].hist(kind).edges[-1] for i in layers))
    n, rows, marks = len(layers), {"x": [], "y": [], "share": [], "layer": []}, \
        {"x": [], "y": [], "text": [], "symbol": [], "pos": [], "hover": []}
    for r, i in enumerate(layers):  # every row in one trace: a live figure pays per trace, not per bar
        h, row = stats.layers[i].hist(kind), n - 1 - r
        out = _outside(snap, net, kind, i)
        counts = inside(h, out)
        x, y, share = outline(h.edges, counts / max(float(counts.max()), 1e-12) * 0.86, row, counts)
        rows["x"].append(x)
        rows["y"].append(y)
        rows["share"].append(share)
        rows["layer"].append(np.full(len(x), i + 1))
        for side, share in enumerate(out if out is not None else ()):
            if share > 0:
                marks["x"].append(hi if side else lo)
                marks["y"].append(row + 0.35)
                marks["text"].append(f"{share:.0%}" if share >= 0.005 else "<1%")
                marks["symbol"].append("triangle-right" if side else "triangle-left")
                marks["pos"].append("middle right" if side else "middle left")
                where = f"above {_short(hi)}" if side else f"below {_short(lo)}"
                marks["hover"].append(f"{share:.1%} of values {where}")
    # Filled outlines, not bars: the same picture in a few SVG paths instead of one per bar (1770 nodes for two
    # nets of ten layers, 45-55 ms of the browser's redraw several times a second).
    data = [dict(type="scatter", mode="lines", x=np.concatenate(rows["x"]), y=np.concatenate(rows["y"]),
                 fill="toself", fillcolor=color, line=dict(color=color, width=1), hoveron="points",
                 customdata=np.stack([np.concatenate(rows["share"]), np.concatenate(rows["layer"])], axis=1),
                 name=name, xaxis=ref("x", k), yaxis=ref("y", k),
                 hovertemplate=f"{name}, layer %{{customdata[1]:d}}<br>%{{x:.3g}}: %{{customdata[0]:.1%}}"
                               "<extra></extra>")]
    if marks["x"]:
        data.append(dict(type="scatter", mode="markers+text", x=marks["x"], y=marks["y"], text=marks["text"],
                         textposition=marks["pos"], marker=dict(symbol=marks["symbol"], size=10, color=color),
                         textfont=dict(size=12, color=color), hovertext=marks["hover"], hoverinfo="text",
                         showlegend=False, name="outside the range", xaxis=ref("x", k), yaxis=ref("y", k)))
    pad = 0.14 * (hi - lo)  # room for the outside markers and their shares
    lay[axis_name("x", k)].update(range=[lo - pad, hi + pad], autorange=False, nticks=6, tickfont=dict(size=12))
    lay[axis_name("y", k)].update(
        range=[0, n], autorange=False, showgrid=False, zeroline=False, tickvals=[n - 1 - r + 0.43 for r in range(n)],
        ticktext=[_row_label(i, stats.layers[i].hist(kind), stats.layers[i].saturated) for i in layers],
        tickfont=dict(size=11), side="right" if net else "left",
        minor=dict(tickvals=list(range(n)), showgrid=True, gridcolor=LINE, ticks=""))
    return data


def pair_histograms(snap, kind: str = "pre", names: Sequence[str] = ("No normalization", "Normalized"),
                    layers: Sequence[int] | None = None) -> go.Figure:
    """Left the plain net, right the normalized one; a row per hidden layer (layer 1 on top) of bars: share of
    values per fixed bin at ``snap.step``, each row scaled to its tallest bar, every row of a net on one x range
    that stays fixed over training; shares outside it are ◀ / ▶ markers at the edges, not bars.

    Two panels whatever the depth: a live view redraws this figure several times a second.
    """
    layers = list(layers) if layers is not None else shown_layers(len(snap.plain.layers), 10)
    lay = grid(1, 2, hspace=0.04, col_titles=list(names))
    data = []
    for net, (color, name) in enumerate(((PLAIN, names[0]), (NORMED, names[1]))):
        data += _net_panel(snap, net, kind, name, color, layers, net, lay)
    lay["showlegend"] = False  # the panel titles name the nets (a legend in the title row collides when narrow)
    lay["margin"] = dict(l=10, r=10, t=40, b=40)
    title = f"{KIND_TITLES[kind].capitalize()} of each layer · step {snap.step}"
    return figure(data, lay, max(300, 130 + 44 * len(layers)), title)


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
