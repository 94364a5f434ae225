"""Preprocessing figures: 2-D clouds with ReLU hyperplanes, cut counts, digit mosaics, spectrum, covariances."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from viz.grid_layout import axis_name, grid, ref
from viz.histograms import bars
from viz.theme import PALETTE, color, figure

POINT, CUT, OFF, ON = PALETTE[0], PALETTE[2], PALETTE[3], "#8A8F98"
LINE_STYLE = {"cut": (CUT, "solid"), "off": (OFF, "dash"), "on": (ON, "dot")}
ORIGIN = "#888"  # a mid grey cross: black would vanish on the dark theme
# Explicit scales: plotly.js and plotly.py disagree on which end of the named "Greys" / "RdBu" is which.
INK = [[0.0, "#FFFFFF"], [1.0, "#000000"]]  # 0 = paper, 1 = ink, as the digits are drawn
DIVERGING = [[0.0, "#2166AC"], [0.5, "#F7F7F7"], [1.0, "#B2182B"]]  # negative blue, 0 white, positive red
LINE_NAMES = {"cut": "cuts the data", "off": "always off (dead ReLU)", "on": "always on (just linear)"}


def _box(x: np.ndarray) -> tuple[float, float, float, float]:
    """A square window holding the cloud and the origin, 12% padding: (x0, x1, y0, y1)."""
    lo = np.minimum(x.min(axis=0), 0.0)
    hi = np.maximum(x.max(axis=0), 0.0)
    c, half = (lo + hi) / 2, float(np.max(hi - lo)) / 2 * 1.12
    return c[0] - half, c[0] + half, c[1] - half, c[1] + half


def _segment(w: np.ndarray, b: float, box) -> list[float] | None:
    """End points [xa, xb, ya, yb] of the line w.x + b = 0 inside the box, or None if it misses it."""
    x0, x1, y0, y1 = box
    pts = []
    if abs(w[1]) > 1e-12:
        pts += [(x, -(b + w[0] * x) / w[1]) for x in (x0, x1)]
    if abs(w[0]) > 1e-12:
        pts += [(-(b + w[1] * y) / w[0], y) for y in (y0, y1)]
    pts = [p for p in pts if x0 - 1e-9 <= p[0] <= x1 + 1e-9 and y0 - 1e-9 <= p[1] <= y1 + 1e-9]
    if len(pts) < 2:
        return None
    pts.sort()
    return [pts[0][0], pts[-1][0], pts[0][1], pts[-1][1]]


def _lines(w, b, groups: dict[str, np.ndarray], box, k: int, legend: bool) -> list[dict]:
    data = []
    for kind, mask in groups.items():
        xs, ys = [], []
        for i in np.flatnonzero(mask):
            s = _segment(w[i], b[i], box)
            if s:
                xs += [s[0], s[1], None]
                ys += [s[2], s[3], None]
        color, dash = LINE_STYLE[kind]
        data.append(dict(type="scatter", x=xs, y=ys, mode="lines", line=dict(color=color, width=1.6, dash=dash),
                         name=LINE_NAMES[kind], legendgroup=kind, showlegend=legend, hoverinfo="skip",
                         xaxis=ref("x", k), yaxis=ref("y", k)))
    return data


def _eigen_arrows(mean, lam, U, k: int) -> list[dict]:
    notes = []
    for i in range(2):
        tip = mean + 2 * np.sqrt(lam[i]) * U[:, i]
        notes.append(dict(x=tip[0], y=tip[1], ax=mean[0], ay=mean[1], xref=ref("x", k), yref=ref("y", k),
                          axref=ref("x", k), ayref=ref("y", k), showarrow=True, arrowhead=2, arrowwidth=3,
                          arrowcolor=PALETTE[4], text=""))
    return notes


def scatter_panels(panels: Sequence[tuple[str, np.ndarray, object]], w: np.ndarray, b: np.ndarray,
                   eigen: tuple | None = None) -> go.Figure:
    """One square panel per (title, x (n, 2), Cuts): the cloud, the origin and every unit's line w.x + b = 0."""
    n = len(panels)
    titles = [f"{t}<br>{c.counts[0]}/{len(b)} cut" for t, _, c in panels]
    lay = grid(1, n, hspace=0.035, col_titles=titles)
    data = []
    for k, (_, x, cuts) in enumerate(panels):
        box = _box(x)
        data.append(dict(type="scattergl", x=x[:, 0], y=x[:, 1], mode="markers", name="data",
                         marker=dict(color=POINT, size=4, opacity=0.55), showlegend=k == 0, legendgroup="data",
                         xaxis=ref("x", k), yaxis=ref("y", k), hoverinfo="skip"))
        data += _lines(w, b, {"cut": cuts.cut, "off": cuts.always_off, "on": cuts.always_on}, box, k, k == 0)
        data.append(dict(type="scatter", x=[0], y=[0], mode="markers", marker=dict(symbol="x-thin", size=12,
                         line=dict(width=2.5, color=ORIGIN)), name="origin", showlegend=k == 0,
                         xaxis=ref("x", k), yaxis=ref("y", k), hoverinfo="skip"))
        lay[axis_name("x", k)].update(range=list(box[:2]), nticks=5, zeroline=False)
        lay[axis_name("y", k)].update(range=list(box[2:]), nticks=5, zeroline=False, scaleanchor=ref("x", k),
                                      constrain="domain")
    if eigen is not None:
        lay["annotations"] += _eigen_arrows(*eigen, 0)
    lay["legend"] = dict(orientation="h", yanchor="top", y=-0.14, x=0.0)
    lay["margin"] = dict(l=40, r=10, t=60, b=20)
    return figure(data, lay, 360)


def cut_counts_chart(counts: dict[str, tuple[int, int, int]], units: int) -> go.Figure:
    """Stacked bars per preprocessing: units whose hyperplane cuts the data, is always off, is always on."""
    names = list(counts)
    data = [dict(type="bar", x=names, y=[counts[n][i] for n in names], name=LINE_NAMES[kind],
                 marker_color=LINE_STYLE[kind][0], text=[counts[n][i] or "" for n in names], textposition="inside",
                 hovertemplate="%{x}: %{y} units<extra>" + LINE_NAMES[kind] + "</extra>")
            for i, kind in enumerate(("cut", "off", "on"))]
    layout = dict(barmode="stack", title=dict(text=f"{units} random ReLUs: who sees both sides of the data?",
                                               x=0.01),
                  yaxis=dict(title=dict(text="units"), range=[0, units * 1.02]),
                  legend=dict(orientation="h", yanchor="top", y=-0.15, x=0.0), margin=dict(l=60, r=20, t=60, b=40))
    return figure(data, layout, 360)


def _mosaic(images: np.ndarray) -> np.ndarray:
    """k images (k, 8, 8) side by side with one NaN column between them: (8, 9k - 1)."""
    k, h, w = images.shape
    out = np.full((h, k * (w + 1) - 1), np.nan)
    for i in range(k):
        out[:, i * (w + 1): i * (w + 1) + w] = images[i]
    return out


def digits_mosaic(rows: Sequence[tuple[str, np.ndarray, bool]], labels: Sequence[int]) -> go.Figure:
    """One row per (title, images (k, 8, 8), signed): ink in grey, signed values in red/blue around 0."""
    lay = grid(len(rows), 1, vspace=0.09, row_titles=[t for t, _, _ in rows])
    data = []
    for k, (_, images, signed) in enumerate(rows):
        m = float(np.nanpercentile(np.abs(images), 99.5)) or 1.0  # one hot pixel must not wash out the rest
        scale = dict(colorscale=DIVERGING, zmid=0.0, zmin=-m, zmax=m) if signed else \
            dict(colorscale=INK, zmin=0.0, zmax=m)
        data.append(dict(type="heatmap", z=_mosaic(images), showscale=False, xaxis=ref("x", k), yaxis=ref("y", k),
                         hovertemplate="value %{z:.3g}<extra></extra>", **scale))
        lay[axis_name("x", k)].update(visible=False)
        lay[axis_name("y", k)].update(visible=False, autorange="reversed", scaleanchor=ref("x", k))
    lay["annotations"] += [dict(text=f"<b>{c}</b>", x=(i * 9 + 3.5) / (len(labels) * 9 - 1), y=-0.02,
                                xref="paper", yref="paper", yanchor="top", showarrow=False)
                           for i, c in enumerate(labels)]
    lay["margin"] = dict(l=10, r=10, t=30, b=30)
    return figure(data, lay, 150 * len(rows) + 40)


def spectrum_chart(mean_image: np.ndarray, eigenvalues: np.ndarray, eps: float) -> go.Figure:
    """Left: the mean image (8, 8). Right: covariance eigenvalues (log) against eps, and the gain 1/sqrt(l + eps)."""
    # Directions with (numerically) zero variance have no place on a log axis; they are counted in the title.
    flat = eigenvalues <= 1e-10 * eigenvalues.max()
    lam = np.where(flat, np.nan, eigenvalues)
    gain = 1 / np.sqrt(eigenvalues + eps) if eps > 0 else np.full_like(eigenvalues, np.nan)
    idx = np.arange(1, len(eigenvalues) + 1)
    note = f" · {int(flat.sum())} with zero variance not drawn" if flat.any() else ""
    data = [
        dict(type="heatmap", z=mean_image, colorscale=INK, showscale=False, xaxis="x", yaxis="y",
             hovertemplate="mean %{z:.3f}<extra></extra>"),
        dict(type="scatter", x=idx, y=lam, mode="markers+lines", name="eigenvalue λ", xaxis="x2", yaxis="y2",
             line=dict(color=PALETTE[0], width=2)),
        dict(type="scatter", x=[1, len(idx)], y=[eps, eps], mode="lines", name=f"eps = {eps:g}", xaxis="x2",
             yaxis="y2", line=dict(color=PALETTE[3], dash="dash", width=2)),
        dict(type="scatter", x=idx, y=gain, mode="lines", name="gain 1/√(λ+eps)", xaxis="x2", yaxis="y3",
             line=dict(color=PALETTE[2], width=2, dash="dot")),
    ]
    layout = dict(
        xaxis=dict(domain=[0.0, 0.24], visible=False), yaxis=dict(autorange="reversed", visible=False,
                                                                  scaleanchor="x"),
        xaxis2=dict(domain=[0.4, 0.9], title=dict(text="principal direction (by variance)" + note), anchor="y2"),
        yaxis2=dict(type="log", title=dict(text="variance λ"), anchor="x2", exponentformat="power"),
        yaxis3=dict(overlaying="y2", side="right", anchor="x2", showgrid=False, title=dict(text="whitening gain"),
                    range=[0, 1.05 * float(np.nanmax(gain)) if eps > 0 else 1.0], tickmode="auto", nticks=5),
        annotations=[dict(text="<b>mean image</b>", x=0.12, y=1.0, xref="paper", yref="paper", yanchor="bottom",
                          showarrow=False)],
        legend=dict(orientation="h", yanchor="top", y=-0.22, x=0.4), margin=dict(l=10, r=60, t=40, b=40),
    )
    return figure(data, layout, 340)


def covariance_pair(before: np.ndarray, after: np.ndarray, titles: tuple[str, str]) -> go.Figure:
    """Two (d, d) covariance matrices as heatmaps on one symmetric colour scale each."""
    lay = grid(1, 2, hspace=0.08, col_titles=list(titles))
    data = []
    for k, c in enumerate((before, after)):
        m = float(np.abs(c).max()) or 1.0
        data.append(dict(type="heatmap", z=c, colorscale=DIVERGING, zmid=0.0, zmin=-m, zmax=m, showscale=False,
                         xaxis=ref("x", k), yaxis=ref("y", k), hovertemplate="pixel %{y}, %{x}: %{z:.3g}"
                                                                               "<extra></extra>"))
        lay[axis_name("y", k)].update(autorange="reversed", scaleanchor=ref("x", k), showticklabels=False)
        lay[axis_name("x", k)].update(showticklabels=False)
    lay["margin"] = dict(l=10, r=10, t=40, b=10)
    return figure(data, lay, 290)


def active_share_chart(hists: dict, units: int, images: int) -> go.Figure:
    """Overlaid histograms (one per preprocessing) over units of the share of images each ReLU is active on."""
    data = [bars(h, color(i), name, 0, show=True) | dict(opacity=0.6) for i, (name, h) in enumerate(hists.items())]
    layout = dict(
        barmode="overlay", bargap=0,
        title=dict(text=f"{units} random ReLUs on the {images} digits: how often is each one on?", x=0.01),
        xaxis=dict(title=dict(text="share of the images on which the unit is active"), range=[0, 1], tickformat=".0%"),
        yaxis=dict(title=dict(text="share of units"), tickformat=".0%", rangemode="tozero"),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0),
        margin=dict(l=60, r=20, t=80, b=50),
    )
    return figure(data, layout, 340)
