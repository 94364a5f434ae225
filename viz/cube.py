"""The NCHW cube of Wu & He (2018, Figure 2): an N x C x (H*W) block of cells per method, the shared set of a chosen
cell shaded. Built from boxes, never per cell: one Mesh3d per colour class (the block, the set, the cell), so the
largest cube (16 x 64 x 256 cells) costs the same few hundred numbers as the smallest.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from viz.theme import figure

# One box as 8 corners and 12 triangles (plotly's Mesh3d cube indexing).
_CORNERS = np.array([[0, 0, 0], [0, 1, 0], [1, 1, 0], [1, 0, 0], [0, 0, 1], [0, 1, 1], [1, 1, 1], [1, 0, 1]], float)
_TRIS = np.array([[7, 3, 0], [0, 4, 7], [0, 1, 2], [0, 2, 3], [4, 5, 6], [4, 6, 7],
                  [6, 5, 1], [6, 1, 2], [4, 0, 1], [4, 1, 5], [3, 2, 6], [3, 6, 7]])
_EDGES = [(0, 1), (1, 2), (2, 3), (3, 0), (4, 5), (5, 6), (6, 7), (7, 4), (0, 4), (1, 5), (2, 6), (3, 7)]
# Okabe-Ito blue for the shared set and vermillion for the chosen cell (colour-blind safe).
BLOCK, SET, CELL, GRID, EDGE = "#e9edf2", "#0072B2", "#D55E00", "#8a96a3", "#1f2d3d"
MAX_LINES = 32  # grid lines per axis and face; finer grids turn into a grey fill on a projector


@dataclass(frozen=True)
class CubePanel:
    """One method's view: title and the shared set as a bool mask in cube order (N, C, S)."""

    title: str
    mask: np.ndarray


Box = tuple[tuple[int, int, int], tuple[int, int, int]]  # lo, hi (exclusive) in (n, c, s) cell indices


def mask_boxes(mask: np.ndarray) -> list[Box]:
    """Cover a bool (N, C, S) mask with boxes: its bounding box when it is one (every normalization's set is),
    else one box per run along S."""
    idx = [np.flatnonzero(mask.any(axis=tuple(a for a in range(3) if a != k))) for k in range(3)]
    if any(len(i) == 0 for i in idx):
        return []
    lo, hi = tuple(int(i[0]) for i in idx), tuple(int(i[-1]) + 1 for i in idx)
    if mask[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]].all():
        return [(lo, hi)]
    boxes = []
    for n, c in zip(*np.nonzero(mask.any(axis=2)), strict=True):
        run = np.flatnonzero(np.diff(np.concatenate([[0], mask[n, c].astype(np.int8), [0]])))
        boxes += [((int(n), int(c), int(a)), (int(n) + 1, int(c) + 1, int(b))) for a, b in run.reshape(-1, 2)]
    return boxes


def box_minus_cell(box: Box, cell: tuple[int, int, int]) -> list[Box]:
    """Split a box into at most 6 boxes covering it without the one cell (which is drawn in its own colour)."""
    lo, hi = list(box[0]), list(box[1])
    if not all(lo[k] <= cell[k] < hi[k] for k in range(3)):
        return [box]
    out = []
    for k in range(3):
        if lo[k] < cell[k]:
            out.append((tuple(lo), tuple(hi[:k] + [cell[k]] + hi[k + 1:])))
        if cell[k] + 1 < hi[k]:
            out.append((tuple(lo[:k] + [cell[k] + 1] + lo[k + 1:]), tuple(hi)))
        lo[k], hi[k] = cell[k], cell[k] + 1
    return out


def _xyz(box: Box, shape: tuple[int, int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Plot coordinates of a box's (lo, hi) corners: x = C, y = N (depth), z = S from the top down."""
    (n0, c0, s0), (n1, c1, s1) = box
    s = shape[2]
    return np.array([c0, n0, s - s1], float), np.array([c1, n1, s - s0], float)


def _mesh(boxes: list[Box], shape, color: str, opacity: float, name: str, hover: str | None) -> dict:
    """ONE Mesh3d for a list of boxes (8 vertices and 12 triangles each)."""
    verts, tris = [], []
    for b, box in enumerate(boxes):
        lo, hi = _xyz(box, shape)
        verts.append(lo + _CORNERS * (hi - lo))
        tris.append(_TRIS + 8 * b)
    v = np.concatenate(verts) if verts else np.zeros((0, 3))
    t = np.concatenate(tris) if tris else np.zeros((0, 3), int)
    return dict(type="mesh3d", x=v[:, 0], y=v[:, 1], z=v[:, 2], i=t[:, 0], j=t[:, 1], k=t[:, 2], color=color,
                opacity=opacity, flatshading=True, name=name, showlegend=False,
                lighting=dict(ambient=0.75, diffuse=0.5, specular=0.05, fresnel=0.0),
                hoverinfo="skip" if hover is None else "text", hovertext=hover)


def _ticks(count: int, major: int | None = None) -> np.ndarray:
    if count <= MAX_LINES:
        return np.arange(count + 1)
    step = major if major and count // major <= MAX_LINES else math.ceil(count / MAX_LINES)
    return np.unique(np.append(np.arange(0, count + 1, step), count))


def _grid(shape, major_s: int | None) -> dict:
    """Cell lines on the three faces the default camera sees (front N = 0, right C = max, top), as one trace."""
    n, c, s = shape
    # Python numbers: numpy converts a list of tuples of numpy scalars ~50x slower (~9 ms a panel)
    tx, ty, tz = _ticks(c).tolist(), _ticks(n).tolist(), _ticks(s, major_s).tolist()
    lift = 0.004 * max(shape)  # a hair outside the faces so lines win the depth test against the meshes
    segs = []
    for x in tx:  # front face y = -lift and top face z = s + lift
        segs += [((x, -lift, 0), (x, -lift, s)), ((x, 0, s + lift), (x, n, s + lift))]
    for z in tz:  # front and right faces
        segs += [((0, -lift, z), (c, -lift, z)), ((c + lift, 0, z), (c + lift, n, z))]
    for y in ty:  # top and right faces
        segs += [((0, y, s + lift), (c, y, s + lift)), ((c + lift, y, 0), (c + lift, y, s))]
    pts = np.full((3 * len(segs), 3), np.nan)
    pts[0::3] = [a for a, _ in segs]
    pts[1::3] = [b for _, b in segs]
    return _lines(pts, GRID, 1.2)


def _outline(boxes: list[Box], shape) -> dict:
    pts = []
    for box in boxes:
        lo, hi = _xyz(box, shape)
        corner = lo + _CORNERS * (hi - lo)
        for a, b in _EDGES:
            pts += [corner[a], corner[b], (np.nan,) * 3]
    p = np.array(pts) if pts else np.zeros((0, 3))
    return _lines(p, EDGE, 3)


def _marker(cell: tuple[int, int, int], shape, boxes: list[Box]) -> dict:
    """A screen-sized dot on the chosen cell (one cell of 262144 is smaller than a pixel), put just outside the
    cell's face across the set's thin side (N, then C) that looks at the default camera, so no mesh hides it."""
    lo, hi = _xyz((cell, tuple(i + 1 for i in cell)), shape)
    mid = (lo + hi) / 2
    home = next((b for b in boxes if all(b[0][k] <= cell[k] < b[1][k] for k in range(3))), None)
    if home is not None and home[1][0] - home[0][0] == 1:
        mid[1] = lo[1] - 0.35  # the front (N = 0 side) faces the camera
    elif home is not None and home[1][1] - home[0][1] == 1:
        mid[0] = hi[0] + 0.35  # the right (C = max side) faces the camera
    return dict(type="scatter3d", x=[mid[0]], y=[mid[1]], z=[mid[2]], mode="markers", showlegend=False,
                marker=dict(size=7, color=CELL, line=dict(color="white", width=1.5)), hoverinfo="text",
                hovertext=f"chosen cell (n, c, s) = {cell}")


def _lines(p: np.ndarray, color: str, width: float) -> dict:
    return dict(type="scatter3d", x=p[:, 0], y=p[:, 1], z=p[:, 2], mode="lines", hoverinfo="skip",
                showlegend=False, line=dict(color=color, width=width))


def aspect(shape: tuple[int, int, int]) -> dict:
    """Axis lengths growing like count^0.25 (at least half the longest), so every block reads as a solid."""
    n, c, s = (max(v, 1) ** 0.25 for v in shape)
    top = max(n, c, s)
    zoom = 1.5  # orthographic scenes zoom through the aspect ratio, not the camera distance
    return dict(x=zoom * max(c / top, 0.5), y=zoom * max(n / top, 0.5), z=zoom * max(s / top, 0.5))


def _scene(shape, labels: Sequence[str]) -> dict:
    n, c, s = shape
    hidden = dict(visible=False, showspikes=False)
    notes = [dict(x=c / 2, y=-0.25 * n, z=-0.08 * s, text=f"{labels[1]} = {c}"),
             dict(x=-0.22 * c, y=n / 2, z=1.06 * s, text=f"{labels[0]} = {n}"),
             dict(x=c, y=n, z=s / 2, text=f"{labels[2]} = {s}", xanchor="left", xshift=6)]
    return dict(xaxis=hidden, yaxis=hidden, zaxis=hidden, aspectmode="manual", aspectratio=aspect(shape),
                camera=dict(eye=dict(x=1.0, y=-1.2, z=0.75), projection=dict(type="orthographic")),
                annotations=[dict(a, showarrow=False, font=dict(size=13)) for a in notes])


def cube_figure(panels: Sequence[CubePanel], cell: tuple[int, int, int], labels: Sequence[str] = ("N", "C", "H·W"),
                major_s: int | None = None, height: int = 420) -> go.Figure:
    """Panels side by side; each: the N x C x S block (translucent), its shared set (blue), the cell (vermillion).

    cell is (n, c, s) in cube order; major_s = W draws the S grid at image-row boundaries when cells get dense.
    """
    shape = tuple(int(d) for d in panels[0].mask.shape)
    cell = tuple(int(i) for i in cell)
    k, gap = len(panels), 0.01
    width = (1 - gap * (k - 1)) / k
    data, layout = [], dict(annotations=[])
    for col, panel in enumerate(panels):
        boxes = mask_boxes(np.asarray(panel.mask, bool))
        size = int(np.asarray(panel.mask).sum())
        rest = [b for box in boxes for b in box_minus_cell(box, cell)]
        name = panel.title.split("<")[0]
        traces = [_mesh(rest, shape, SET, 1.0, "shared set", f"{name}: {size} values share one mean and variance"),
                  _mesh([(cell, tuple(i + 1 for i in cell))], shape, CELL, 1.0, "cell", f"cell {cell}"),
                  _mesh([((0, 0, 0), shape)], shape, BLOCK, 0.18, "tensor", None),
                  _grid(shape, major_s), _outline(boxes, shape), _marker(cell, shape, boxes)]
        scene = "scene" if col == 0 else f"scene{col + 1}"
        data += [dict(t, scene=scene) for t in traces]
        x0 = col * (width + gap)
        layout[scene] = dict(_scene(shape, labels), domain=dict(x=[x0, x0 + width], y=[0, 0.9]))
        layout["annotations"].append(dict(text=panel.title, x=x0 + width / 2, y=1.0, xref="paper", yref="paper",
                                          xanchor="center", yanchor="top", showarrow=False, font=dict(size=15)))
    # From plain dicts: validating 24 traces and four scenes took ~40 ms of every cube the page draws
    return figure(data, layout | dict(margin=dict(l=0, r=0, t=10, b=0), showlegend=False), height)


def cube_cell(index: Sequence[int], shape: Sequence[int]) -> tuple[int, int, int]:
    """(n, c, s) of a tensor index: (n, c) -> s = 0, (n, l, c) -> s = l, (n, c, h, w) -> s = h * W + w."""
    if len(shape) == 2:
        return int(index[0]), int(index[1]), 0
    if len(shape) == 3:
        return int(index[0]), int(index[2]), int(index[1])
    return int(index[0]), int(index[1]), int(index[2]) * int(shape[3]) + int(index[3])


def cube_mask(mask: np.ndarray) -> np.ndarray:
    """A tensor-shaped mask ((N, C), (N, L, C) or (N, C, H, W)) in cube order (N, C, S)."""
    m = np.asarray(mask, bool)
    if m.ndim == 2:
        return m[:, :, None]
    if m.ndim == 3:
        return m.transpose(0, 2, 1)
    return m.reshape(m.shape[0], m.shape[1], -1)
