"""The clickable contour: a log-scaled loss landscape with one coloured path per optimizer, minima and start."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.contour_image import N_LEVELS, image_layer, levels, log_height
from viz.theme import INK, PAPER, color, figure

MAX_POINTS = 400  # per drawn path: enough for the eye, light for the browser
# The pick grid's cells per side: one invisible heatmap, so a click anywhere on the map lands in a cell (at its
# centre). It was a grid of invisible markers, each an SVG node the browser rebuilt on every redraw (a 25 x 25 grid
# was 40% of the map's mount); a heatmap is one image however fine, so the cells are 4x smaller too.
PICK = 41
MINIMUM = dict(symbol="star", size=20, color="#F0E442", line=dict(color="black", width=1.2))


def thin(points: np.ndarray, limit: int = MAX_POINTS) -> np.ndarray:
    """Every k-th row of points (n, ...), always keeping the last one, so at most ~limit rows remain."""
    k = max(1, -(-(len(points) - 1) // limit))
    return points[::k] if (len(points) - 1) % k == 0 else np.concatenate([points[::k], points[-1:]])


def finite_rows(points: np.ndarray) -> np.ndarray:
    """Rows of points (T+1, 2) before divergence (NaN/inf rows dropped)."""
    return points[np.isfinite(points).all(axis=1)]


def landscape(xs: np.ndarray, ys: np.ndarray, z: np.ndarray) -> dict:
    """Contour trace of z (len(ys), len(xs)) with N_LEVELS log-spaced levels between the 2nd and 98th percentile."""
    lz = log_height(z)
    lo, hi = levels(lz)
    # float32 on the wire: a 160 x 160 grid is half the bytes to encode, hash and send on every rerun, and its ~7
    # digits are far below what a contour line or a grey level can show (the trace has no hover)
    return dict(type="contour", x=xs, y=ys, z=lz.astype(np.float32), colorscale="Greys", reversescale=True,
                showscale=False, opacity=0.5, hoverinfo="skip", name="loss",
                line=dict(width=0.8, color="rgba(60,60,60,0.45)"),
                contours=dict(start=lo, end=hi, size=(hi - lo) / N_LEVELS, coloring="heatmap"))


def window(trace: dict, xr, yr, margin: float = 1.0) -> dict:
    """A landscape trace cut to the grid cells over the ranges xr, yr widened by `margin` x their span each side.

    Its levels stay those of the whole grid, so the lines in view are the same; the browser traces a few hundred
    cells of a zoomed view instead of the whole grid (and a pan keeps a view's width of map around it).
    """
    def cut(v: np.ndarray, r) -> slice:
        pad = margin * (r[1] - r[0])
        lo, hi = np.searchsorted(v, [r[0] - pad, r[1] + pad])
        return slice(max(int(lo) - 1, 0), min(int(hi) + 1, len(v)))

    cx, cy = cut(trace["x"], xr), cut(trace["y"], yr)
    return trace | {"x": trace["x"][cx], "y": trace["y"][cy], "z": trace["z"][cy, cx]}


def pick_grid(xs: np.ndarray, ys: np.ndarray, n: int) -> dict:
    """An invisible n x n heatmap over the whole box: plotly reports no click on a contour or an image, so a click
    lands in one of these cells (x, y: its centre); one image in the page, not n² markers."""
    return dict(type="heatmap", x=np.linspace(xs[0], xs[-1], n, dtype=np.float32),
                y=np.linspace(ys[0], ys[-1], n, dtype=np.float32), z=np.zeros((n, n), dtype=np.int8),
                opacity=0.0, showscale=False, name="click to start here", showlegend=False,
                hovertemplate="start here: (%{x:.2f}, %{y:.2f})<extra></extra>")


DOTS = 301  # iterates (steps + 1) up to which every one is drawn as a dot


def path_traces(name: str, pts: np.ndarray, i: int) -> list[dict]:
    """A path (line, legend entry) and its head (big dot) in the i-th colour; a short path (at most DOTS
    iterates) also marks every iterate with a small dot, as Goh draws them: the spacing shows the speed."""
    p = thin(finite_rows(pts))
    dots = len(p) == len(finite_rows(pts)) and len(p) <= DOTS
    line = dict(type="scatter", x=p[:, 0], y=p[:, 1], mode="lines+markers" if dots else "lines", name=name,
                legendgroup=name, line=dict(color=color(i), width=3), marker=dict(size=5, color=color(i)),
                hovertemplate=f"{name}<br>(%{{x:.3f}}, %{{y:.3f}})<extra></extra>")
    head = dict(type="scatter", x=p[-1:, 0], y=p[-1:, 1], mode="markers", showlegend=False, legendgroup=name,
                hoverinfo="skip", marker=dict(color=color(i), size=12, line=dict(color="white", width=1.5)))
    return [line, head]


def bundle_traces(name: str, runs: list[np.ndarray], i: int) -> list[dict]:
    """Faint thin lines of several noisy runs (T+1, 2) of one optimizer as one trace, and their end points."""
    parts = [thin(finite_rows(p)) for p in runs]
    parts = [p for p in parts if len(p)]
    if not parts:
        return []
    gap = np.full((1, 2), np.nan)  # one trace with NaN breaks: a bundle costs the browser one line, not eight
    xy = np.concatenate([r for p in parts for r in (p, gap)])
    ends = np.array([p[-1] for p in parts])
    line = dict(type="scatter", x=xy[:, 0], y=xy[:, 1], mode="lines", name=f"{name} (other seeds)",
                legendgroup=name, showlegend=False, hoverinfo="skip", opacity=0.35,
                line=dict(color=color(i), width=1.2))
    dots = dict(type="scatter", x=ends[:, 0], y=ends[:, 1], mode="markers", legendgroup=name, showlegend=False,
                hoverinfo="skip", opacity=0.6, marker=dict(color=color(i), size=7))
    return [line, dots]


def single(trace: dict) -> dict:
    """The trace with its x and y arrays as float32: half the bytes on every redraw, ~7 digits (far below a pixel
    of the whole-box view; hovers show 3)."""
    arrays = [k for k in ("x", "y") if isinstance(trace.get(k), np.ndarray)]
    return trace | {k: trace[k].astype(np.float32) for k in arrays}


def marks(minima: np.ndarray, start) -> list[dict]:
    """Star at each known minimum, open circle at the start."""
    out = []
    if len(minima):
        out.append(dict(type="scatter", x=minima[:, 0], y=minima[:, 1], mode="markers", name="minimum",
                        marker=MINIMUM, hovertemplate="minimum (%{x:.3g}, %{y:.3g})<extra></extra>"))
    out.append(dict(type="scatter", x=[start[0]], y=[start[1]], mode="markers", name="start",
                    marker=dict(symbol="circle-open", size=18, color="black", line=dict(width=3)),
                    hovertemplate="start (%{x:.3g}, %{y:.3g})<extra></extra>"))
    return out


# Where a map's legend goes: beside it (the default), or under it in wrapping rows for a map in half a page's width,
# where a legend beside it took a third of the width from the map (the plot then reaches to 5 px of the right edge).
LEGENDS = {"right": ({}, {}), "below": (dict(orientation="h", x=0.0, xanchor="left", y=-0.12, yanchor="top"),
                                         dict(r=5))}


def plane_layout(xs, ys, height: int = 620) -> dict:
    """Square x-y axes over the surface's box, legend on the right, pan by default (scroll zooms)."""
    return dict(
        xaxis=dict(range=[xs[0], xs[-1]], title=dict(text="x"), constrain="domain", showgrid=False, zeroline=False),
        yaxis=dict(range=[ys[0], ys[-1]], title=dict(text="y"), scaleanchor="x", scaleratio=1, showgrid=False,
                   zeroline=False, constrain="domain"),
        legend=dict(x=1.02, xanchor="left", y=1.0, yanchor="top", font=dict(size=14, color=INK), itemclick="toggle",
                    bgcolor=PAPER),  # beside the map, on the page: it follows the theme (the grey swatch reads on both)
        margin=dict(l=55, r=10, t=20, b=50), clickmode="event+select", dragmode="pan",
        # The map itself is light in both app themes (like a printed figure): the black path, ring and star outline
        # stay legible on a dark page, and the greys keep their meaning (light = low loss). The plot area around
        # it is see-through: plotly pads that area by a few pixels, which showed as a white frame on a dark page.
        plot_bgcolor="rgba(0,0,0,0)",
        uirevision=f"{xs[0]}:{xs[-1]}:{ys[0]}:{ys[-1]}",  # keeps a zoom across reruns, not across surfaces
    )


def contour(xs, ys, z, paths: dict[str, np.ndarray], minima: np.ndarray, start, pick: int = PICK,
            height: int = 620, bundle: dict[str, list[np.ndarray]] | None = None,
            picture: dict | None = None, legend: str = "right") -> go.Figure:
    """The log-scaled map of z (len(ys), len(xs)), one coloured path (T+1, 2) per optimizer, minima and start.

    pick > 0 adds an invisible pick x pick grid of markers so a click can choose a new start.
    bundle: optimizer name -> more runs (T+1, 2) of it (other noise seeds), drawn faint under its bold path.
    picture: the map as a layout image (viz.contour_image.image_layer of the same grid), if already made. An image,
    not a contour trace: a redraw after a slider move then re-traces no contour lines, and the PNG is smaller.
    legend: a key of LEGENDS, "right" (beside the map) or "below" (under it, for a map in a narrow column).
    """
    if legend not in LEGENDS:
        raise ValueError(f"legend must be one of {', '.join(LEGENDS)}, got {legend!r}.")
    data = [pick_grid(xs, ys, pick)] if pick else []
    for i, name in enumerate(paths):
        data += bundle_traces(name, (bundle or {}).get(name, []), i)
    for i, (name, pts) in enumerate(paths.items()):
        data += path_traces(name, pts, i)
    data = [single(t) for t in data]
    layout = plane_layout(xs, ys) | {"images": [picture if picture is not None else image_layer(xs, ys, z)]}
    place, margin = LEGENDS[legend]
    layout["legend"], layout["margin"] = layout["legend"] | place, layout["margin"] | margin
    return figure(data + marks(minima, start), layout, height)
