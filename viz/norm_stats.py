"""Figures of the numbers behind the cube: feature maps, per-set statistics, histograms before/after, running
statistics over batches, and per-token statistics of a sequence."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from viz.grid_layout import axis_name, grid, ref
from viz.theme import PALETTE, figure, style

SET, CELL, REST = "#0072B2", "#D55E00", "#b8c2cc"
DIVERGING = "RdBu_r"


def montage(maps: np.ndarray, cols: int) -> np.ndarray:
    """Channel maps (C, H, W) tiled into one image with one NaN row/column between tiles."""
    c, h, w = maps.shape
    rows = math.ceil(c / cols)
    out = np.full((rows * (h + 1) - 1, cols * (w + 1) - 1), np.nan)
    for k in range(c):
        r, q = divmod(k, cols)
        out[r * (h + 1):r * (h + 1) + h, q * (w + 1):q * (w + 1) + w] = maps[k]
    return out


@functools.cache
def _colorscale(name: str) -> list[list]:
    """A named colorscale as the explicit list plotly's validation would send (plotly.js knows no "_r" names)."""
    return [list(stop) for stop in go.Heatmap(colorscale=name).colorscale]


def feature_map_figure(maps: np.ndarray, channel: int, image: np.ndarray | None = None, title: str = "") -> go.Figure:
    """One sample's C channel maps (C, H, W) as a tiled heatmap, the chosen channel outlined; its input image left.

    Built from plain dicts (make_subplots and validation cost ~40 ms, paid whenever the cell or tensor changes).
    """
    c, h, w = maps.shape
    cols = math.ceil(math.sqrt(c))
    tiles = montage(maps, cols)
    lim = float(np.nanmax(np.abs(tiles))) or 1.0
    panels = 2 if image is not None else 1
    widths = [0.25 * 0.96, 0.75 * 0.96] if image is not None else [1.0]  # make_subplots' split, spacing 0.04
    starts = [0.0, widths[0] + 0.04][:panels]
    axis = dict(showgrid=False, showticklabels=False)
    layout, data = {}, []
    for k in range(panels):
        layout[axis_name("x", k)] = dict(axis, anchor=ref("y", k), domain=[starts[k], starts[k] + widths[k]])
        layout[axis_name("y", k)] = dict(axis, anchor=ref("x", k), domain=[0.0, 1.0], autorange="reversed",
                                         scaleanchor=ref("x", k))
    if image is not None:
        layout["annotations"] = [dict(text=text, x=sum(layout[axis_name("x", k)]["domain"]) / 2, y=1.0,
                                      xref="paper", yref="paper", xanchor="center", yanchor="bottom",
                                      showarrow=False, font=dict(size=16))
                                 for k, text in enumerate(["input", "conv output, all channels"])]
        data.append(dict(type="heatmap", z=image, colorscale=_colorscale("gray_r"), showscale=False,
                         hovertemplate="%{z:.3f}<extra></extra>", xaxis="x", yaxis="y"))
    k = panels - 1  # the channel tiles' panel
    data.append(dict(type="heatmap", z=tiles, colorscale=_colorscale(DIVERGING), zmin=-lim, zmax=lim,
                     hoverongaps=False, colorbar=dict(title=dict(text="x"), thickness=12, len=0.9),
                     hovertemplate="x = %{z:.4f}<extra></extra>", xaxis=ref("x", k), yaxis=ref("y", k)))
    layout[axis_name("y", k)].update(autorange=False, range=[tiles.shape[0] - 0.5 + 0.5, -1.0])
    r, q = divmod(channel, cols)
    layout["shapes"] = [dict(type="rect", x0=q * (w + 1) - 0.7, x1=q * (w + 1) + w - 0.3, y0=r * (h + 1) - 0.7,
                             y1=r * (h + 1) + h - 0.3, line=dict(color=CELL, width=3), xref=ref("x", k),
                             yref=ref("y", k))]
    layout |= dict(margin=dict(l=10, r=10, t=70, b=10), title=dict(text=title, font=dict(size=14), x=0.01, y=0.97))
    return figure(data, layout, 340)


def _fixed_margins(layout: dict) -> dict:
    """The grid's axes without automargin: each automargin axis costs the browser another layout pass (a 2 x 4
    grid took ~0.6 s to mount instead of ~0.1 s); the figure's own margins leave the room for tick labels."""
    for k, v in layout.items():
        if k.startswith(("xaxis", "yaxis")):
            v["automargin"] = False
    return layout


def stats_figure(stats: Mapping[str, tuple[np.ndarray, np.ndarray]],
                 labels: Mapping[str, tuple[str, str]]) -> go.Figure:
    """Per-set means (top row) and variances (bottom row), one column per method; each cell is one statistic.

    stats: title -> (mean, var) grids (rows, cols); labels: title -> (row axis name, column axis name).
    Built from plain dicts (no make_subplots, no per-property validation): it redraws on every slider move.
    """
    names = list(stats)
    cols = len(names)
    layout = _fixed_margins(grid(2, cols, hspace=0.05, vspace=0.14, col_titles=names))
    for row, text in enumerate(("mean", "variance")):  # row names rotated in the left margin, clear of the titles
        y = 1 - (row + 0.5) * (1 + 0.14) / 2
        layout["annotations"].append(dict(text=f"<b>{text}</b>", x=0, y=y, xref="paper", yref="paper", xshift=-60,
                                          textangle=-90, showarrow=False, font=dict(size=14)))
    means = np.concatenate([m.ravel() for m, _ in stats.values()])
    lim = float(np.max(np.abs(means))) or 1.0
    vmax = float(max(v.max() for _, v in stats.values())) or 1.0
    data = []
    for c, name in enumerate(names):
        mean, var = stats[name]
        ry, rx = labels[name]
        for row, z, scale in ((0, mean, dict(colorscale=_colorscale(DIVERGING), zmin=-lim, zmax=lim)),
                              (1, var, dict(colorscale="Viridis", zmin=0, zmax=vmax))):
            k = row * cols + c
            data.append(dict(type="heatmap", z=z, **scale, showscale=c == cols - 1, xgap=1, ygap=1,
                             xaxis=ref("x", k), yaxis=ref("y", k),
                             colorbar=dict(thickness=10, len=0.4, y=0.8 if row == 0 else 0.2),
                             hovertemplate=f"{ry} %{{y}}, {rx} %{{x}}<br>%{{z:.4f}}<extra></extra>"))
            # A method's two grids share rows and columns: y ticks beside the means, x ticks under the variances
            # only (tick labels are the costliest part of drawing this grid in the browser)
            layout[axis_name("y", k)].update(autorange="reversed", scaleanchor=ref("x", k), constrain="domain",
                                             showticklabels=row == 0 and mean.shape[0] > 1, showgrid=False,
                                             zeroline=False, title=dict(text=ry if row == 0 else ""))
            layout[axis_name("x", k)].update(constrain="domain", showticklabels=row == 1 and mean.shape[1] > 1,
                                             showgrid=False, zeroline=False, title=dict(text=rx if row == 1 else ""))
    return figure(data, layout | {"margin": dict(l=76, r=10, t=50, b=60)}, 430)


def _steps(edges: np.ndarray, dens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A density histogram as the corners of one step outline (x, y): one SVG path instead of one per bar."""
    return edges, np.append(dens, dens[-1])


def histogram_figure(x: np.ndarray, outputs: Mapping[str, np.ndarray], mask: np.ndarray | None = None,
                     label: str = "highlighted", bins: int = 40) -> go.Figure:
    """x and each method's output as density histograms (grey areas); the values under ``mask`` (e.g. one channel)
    as a blue step line."""
    panels = {"before: x": (x, mask), **{k: (y, mask) for k, y in outputs.items()}}
    layout = _fixed_margins(grid(1, len(panels), hspace=0.035, col_titles=list(panels)))
    for k in range(len(panels)):  # the shapes are the message: density tick labels cost more than they tell
        layout[axis_name("y", k)].update(showticklabels=False, nticks=4)
    data = []
    for k, (values, mask) in enumerate(panels.values()):
        edges = np.histogram_bin_edges(values, bins=bins)
        dens, _ = np.histogram(values, bins=edges, density=True)
        axes = dict(xaxis=ref("x", k), yaxis=ref("y", k))
        sx, sy = _steps(edges, dens)
        data.append(dict(type="scatter", x=sx, y=sy, mode="lines", line=dict(color=REST, width=0, shape="hv"),
                         fill="tozeroy", fillcolor=REST, name="all values", legendgroup="all", showlegend=k == 0,
                         **axes, hovertemplate="all values<br>from %{x:.3f}: density %{y:.3f}<extra></extra>"))
        if mask is not None:
            sel, _ = np.histogram(values[mask], bins=edges, density=True)
            sx, sy = _steps(edges, sel)
            data.append(dict(type="scatter", x=sx, y=sy, mode="lines", line=dict(color=SET, width=2.5, shape="hv"),
                             name=label, legendgroup="sel", showlegend=k == 0, **axes,
                             hovertemplate=f"{label}<br>from %{{x:.3f}}: density %{{y:.3f}}<extra></extra>"))
    return figure(data, layout | dict(margin=dict(l=10, r=10, t=50, b=70),
                                      legend=dict(orientation="h", y=-0.2, x=0.5, xanchor="center")), 300)


def running_figure(curves: Mapping[str, tuple[np.ndarray, np.ndarray]], target: tuple[float, float],
                   batch_means: Sequence[float]) -> go.Figure:
    """Running mean (left) and variance (right) of one channel after each batch; dashed: population values."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=["running mean", "running variance"], horizontal_spacing=0.08)
    steps = np.arange(len(next(iter(curves.values()))[0]))
    fig.add_trace(go.Scatter(x=steps[1:], y=batch_means, mode="markers", name="this batch's mean",
                             marker=dict(color=REST, size=5)), row=1, col=1)
    for k, (name, (mean, var)) in enumerate(curves.items()):
        color, dash, width = ((SET, "solid", 4), (PALETTE[1], "dot", 2.5))[k % 2]
        for col, v in ((1, mean), (2, var)):
            fig.add_trace(go.Scatter(x=steps, y=v, mode="lines", name=name, legendgroup=name, showlegend=col == 1,
                                     line=dict(color=color, width=width, dash=dash)), row=1, col=col)
    for col, v in ((1, target[0]), (2, target[1])):
        fig.add_hline(y=v, line=dict(color="#888", dash="dash", width=1.5), row=1, col=col,  # grey: both themes
                      annotation_text="population (paper)", annotation_position="bottom right")
    fig.update_xaxes(title_text="batches seen")
    style(fig)
    return fig.update_layout(height=340, margin=dict(l=10, r=10, t=50, b=10),
                             legend=dict(orientation="h", y=-0.25, x=0.5, xanchor="center"))


def token_figure(per_token: Mapping[str, tuple[np.ndarray, np.ndarray]]) -> go.Figure:
    """Mean (left) and root mean square (right) of each token's C features, per method; x = token index n*L + l."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=["mean over C of each token", "RMS over C of each token"],
                        horizontal_spacing=0.08)
    for k, (name, (mean, rms)) in enumerate(per_token.items()):
        color = (REST, SET, PALETTE[1])[k % 3]
        for col, v in ((1, mean), (2, rms)):
            fig.add_trace(go.Scatter(y=v.ravel(), mode="lines+markers", name=name, legendgroup=name,
                                     showlegend=col == 1, line=dict(color=color, width=2), marker=dict(size=5)),
                          row=1, col=col)
    fig.update_xaxes(title_text="token (sequence-major)")
    style(fig)
    return fig.update_layout(height=320, margin=dict(l=10, r=10, t=50, b=10),
                             legend=dict(orientation="h", y=-0.28, x=0.5, xanchor="center"))
