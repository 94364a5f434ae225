"""The NCHW cube of Wu & He (2018, Figure 2), drawn flat: each panel an oblique view of the N x C x (H*W) block (front
face C x S, the batch N receding up and right), the shared set of a chosen cell shaded, every panel on one 2-D axis.

Built from boxes, never per cell, as SVG paths: one filled scatter trace per colour and face, the polygons of every
panel in it separated by None. Four WebGL scenes took seconds to mount in a software-rendered browser (and the chart
mounts afresh on every new figure); these ~20 traces take about as long as one line chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from viz.cube_faces import Box, Frame, faces, mix, pick_targets, ticks
from viz.theme import figure

# Okabe-Ito blue for the shared set and vermillion for the chosen cell (colour-blind safe). The block is a
# translucent grey veil: buried parts of a set show through it muted, parts on the surface are drawn crisp on top.
BLOCK, SET, CELL, GRID, EDGE = "rgba(138,150,163,0.55)", "#0072B2", "#D55E00", "rgba(110,122,135,0.8)", "#1f2d3d"
SHADES = {"front": 0.0, "top": 0.3, "right": -0.25}  # > 0 mixes white in, < 0 black: three faces read as a solid
VEIL = {"front": 0.55, "top": 0.4, "right": 0.68}  # the block's face opacities
MAX_LINES = 32  # grid lines per axis and face; finer grids turn into a grey fill on a projector
GAP, SMALL = 0.42, 0.5  # space between panels; a small panel's size next to a focused one
PAD = 0.04  # plot units between a label and the edge it names
ROOM = {"left": 52, "bottom": 24, "top": 44, "right": 16}  # px: the S label, C labels, titles (two lines, wide)
WIDTH, NARROW = 900, 560  # px: the chart's width on a 1280-px screen (sets the height) and on a 1024-px one


@dataclass(frozen=True)
class CubePanel:
    """One method's view: title and the shared set as a bool mask in cube order (N, C, S)."""

    title: str
    mask: np.ndarray


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


def lengths(shape: tuple[int, int, int]) -> tuple[float, float, float]:
    """Drawn lengths of N, C, S growing like count^0.25 (at least half the longest), so every block reads as a solid."""
    q = [max(v, 1) ** 0.25 for v in shape]
    return tuple(max(v / max(q), 0.5) for v in q)


def panel_frames(k: int, shape: tuple[int, int, int], focus: int | None = None) -> list[Frame]:
    """Where each of k panels sits: in a row, or the focused one first and large, the others small beside it."""
    unit = Frame((0.0, 0.0), 1.0, shape, lengths(shape))
    w, h = unit.size
    if focus is None:
        return [Frame((i * (w + GAP), 0.0), 1.0, shape, unit.lengths) for i in range(k)]
    small = iter(Frame((w + GAP + j * SMALL * (w + GAP), (1 - SMALL) * h / 2), SMALL, shape, unit.lengths)
                 for j in range(k - 1))
    return [unit if i == focus else next(small) for i in range(k)]


def _bounds(frames: list[Frame]) -> tuple[float, float, float, float]:
    """x0, y0, x1, y1 around every panel, with room (in pixels of a NARROW chart) for the titles above, the C
    labels below and the first panel's S label at the left."""
    lo = np.min([f.bounds[0] for f in frames], axis=0)
    hi = np.max([f.bounds[1] for f in frames], axis=0)
    unit = (hi[0] - lo[0]) / NARROW  # plot units per pixel at the narrowest chart: room enough at every width
    (x0, y0), (x1, y1) = lo - unit * np.array([ROOM["left"], ROOM["bottom"]]), hi + unit * np.array(
        [ROOM["right"], ROOM["top"]])
    return x0, y0, x1, y1


def _xy(parts: list) -> tuple[np.ndarray, np.ndarray]:
    """Point lists joined with a NaN row between them (a gap), as float32: they travel base64-encoded, ~5 bytes a
    number instead of ~18 as JSON text."""
    if not parts:
        return np.zeros(0, np.float32), np.zeros(0, np.float32)
    gap = np.full((1, 2), np.nan)
    xy = np.concatenate([a for p in parts for a in (np.asarray(p, float).reshape(-1, 2), gap)]).astype(np.float32)
    return xy[:, 0], xy[:, 1]


def _fill(polys: list[np.ndarray], color: str, name: str) -> dict:
    """ONE filled scatter trace holding every polygon (corner arrays (4, 2)), separated by gaps."""
    x, y = _xy(polys)
    return dict(type="scatter", x=x, y=y, mode="lines", fill="toself", fillcolor=color, name=name,
                line=dict(width=0), hoverinfo="skip", showlegend=False)


def _lines(paths: list, color: str, width: float, name: str) -> dict:
    """ONE line trace of polylines (point arrays (k, 2)) separated by gaps: plotly pays per gap (~0.06 ms each),
    hardly per point, so lines are drawn as few long paths."""
    x, y = _xy(paths)
    return dict(type="scatter", x=x, y=y, mode="lines", line=dict(color=color, width=width), name=name,
                hoverinfo="skip", showlegend=False)


def _serpentine(ends: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Parallel segments (a, b) as one polyline a0 b0 b1 a1 a2 b2 ...: the turns run along the face's border,
    which the block's outline covers."""
    return np.array([p for k, (a, b) in enumerate(ends) for p in ((a, b) if k % 2 == 0 else (b, a))])


def _grid(fr: Frame, major_s: int | None) -> list[np.ndarray]:
    """Cell lines on the three faces the viewer sees (front n = 0, top s = 0, right c = C): one polyline per face
    and direction."""
    n, c, s = fr.shape
    most = round(MAX_LINES * fr.scale)  # a small panel gets fewer lines, not a grey fill
    tn, tc, ts = ticks(n, most), ticks(c, most), ticks(s, most, major_s)
    p = fr.pt
    families = [[(p(0, x, 0), p(0, x, s)) for x in tc], [(p(0, x, 0), p(n, x, 0)) for x in tc],
                [(p(0, 0, z), p(0, c, z)) for z in ts], [(p(0, c, z), p(n, c, z)) for z in ts],
                [(p(y, 0, 0), p(y, c, 0)) for y in tn], [(p(y, c, 0), p(y, c, s)) for y in tn]]
    return [_serpentine(f) for f in families]


def _labels(fr: Frame, title: str, names: Sequence[str]) -> list[tuple[np.ndarray, str, str, int]]:
    """(point, text, textposition, font size): the panel's title above it and, on a full-size panel, the three
    sizes beside their edges (S written across two lines at the left, so it never sticks out at the right)."""
    n, c, s = fr.shape
    (x0, _), (x1, y1) = fr.bounds
    small = fr.scale < 1
    title = title.split("<br>")[0] if small else title  # a small panel's title: the name only, one line
    out = [(np.array([(x0 + x1) / 2, y1 + PAD]), title, "top center", 13 if small else 15)]
    if not small:  # text points carry no pixel offset: a PAD in plot units keeps the words off the edges
        out += [(fr.pt(0, c / 2, s) - [0, PAD], f"{names[1]} = {c}", "bottom center", 13),
                (fr.pt(n / 2, 0, 0) - [PAD, 0], f"{names[0]} = {n}", "top left", 13),
                (fr.pt(0, 0, s / 2) - [PAD, 0], f"{names[2]}<br>= {s}", "middle left", 13)]
    return out


def _text(labels: list[tuple[np.ndarray, str, str, int]]) -> dict:
    """ONE text trace for every label: a plotly annotation costs ~2 ms to draw, a text point a fraction of that."""
    return dict(type="scatter", mode="text", x=[p[0] for p, *_ in labels], y=[p[1] for p, *_ in labels],
                text=[t for _, t, *_ in labels], textposition=[q for *_, q, _ in labels], name="labels",
                textfont=dict(size=[z for *_, z in labels]), hoverinfo="skip", showlegend=False)


def _dot(frames: list[Frame], cell: tuple[int, int, int]) -> dict:
    """A screen-sized dot on the chosen cell's front face in every panel (a cell can be smaller than a pixel)."""
    dots = np.array([fr.pt(cell[0], cell[1] + 0.5, cell[2] + 0.5) for fr in frames])
    return dict(type="scatter", x=dots[:, 0], y=dots[:, 1], mode="markers", name="chosen cell", showlegend=False,
                marker=dict(size=9, color=CELL, line=dict(color="white", width=1.5)),
                unselected=dict(marker=dict(opacity=1)), hoverinfo="text", hovertext=f"chosen cell {cell}")


def _layers(frames: list[Frame], panels: Sequence[CubePanel], cell: tuple[int, int, int]) -> dict[str, list]:
    """Every panel's polygons by layer, in painting order: the whole set (seen through the veil), the block's veil,
    then what lies on the block's surface (set and cell) drawn crisp over it."""
    shape = frames[0].shape
    one = (cell, tuple(i + 1 for i in cell))
    layers = {k: [] for k in ("set", "veil", "surface", "cell")}
    for fr, panel in zip(frames, panels, strict=True):
        boxes = mask_boxes(np.asarray(panel.mask, bool))
        layers["set"] += [f for b in boxes for f in faces(fr, b)]
        layers["veil"] += faces(fr, ((0, 0, 0), shape))
        layers["surface"] += [f for b in boxes for f in faces(fr, b, surface=True)]
        layers["cell"] += faces(fr, one, surface=True)
    return layers


def _fills(layers: dict[str, list]) -> list[dict]:
    """One trace per layer and colour: the veil and the set's surface in three shades (a solid), the rest flat."""
    out = [_fill([p for _, p in layers["set"]], mix(SET, 0.15), "set")]
    out += [_fill([p for f, p in layers["veil"] if f == face], BLOCK.replace("0.55", str(VEIL[face])), f"veil {face}")
            for face in SHADES]
    out += [_fill([p for f, p in layers["surface"] if f == face], mix(SET, SHADES[face]), f"set {face}")
            for face in SHADES]
    return out + [_fill([p for _, p in layers["cell"]], CELL, "cell")]


def cube_figure(panels: Sequence[CubePanel], cell: tuple[int, int, int], labels: Sequence[str] = ("N", "C", "H·W"),
                major_s: int | None = None, height: int | None = None, focus: int | None = None,
                pick: bool = False) -> go.Figure:
    """Panels side by side (or panel ``focus`` large, the rest small beside it); each: the N x C x S block (a grey
    veil), its shared set (blue), the cell (vermillion, with a dot). height: None fits the drawing's aspect.

    cell is (n, c, s) in cube order; major_s = W draws the S grid at image-row boundaries when cells get dense and,
    with pick, adds invisible click targets whose customdata is the (n, c, h, w) a click picks (-1: unchanged).
    About a dozen traces whatever the size: a chart mounts afresh on every new figure, and plotly pays per trace,
    per gap in a line and per annotation, hardly per point.
    """
    shape = tuple(int(d) for d in panels[0].mask.shape)
    cell = tuple(int(i) for i in cell)
    frames = panel_frames(len(panels), shape, focus)
    full = ((0, 0, 0), shape)
    edges = [fr.outline(b) for fr, p in zip(frames, panels, strict=True) for b in mask_boxes(np.asarray(p.mask, bool))]
    data = _fills(_layers(frames, panels, cell))
    data += [_lines([g for fr in frames for g in _grid(fr, major_s)], GRID, 1, "grid"),
             _lines(edges + [fr.outline(full) for fr in frames], EDGE, 1.8, "edges"),
             _text([t for fr, p in zip(frames, panels, strict=True) for t in _labels(fr, p.title, labels)]),
             _dot(frames, cell)]
    if pick and major_s:
        data += pick_targets(frames, major_s)
    x0, y0, x1, y1 = _bounds(frames)
    height = height or int(np.clip(WIDTH * (y1 - y0) / (x1 - x0), 260, 480))
    axis = dict(visible=False, fixedrange=True)
    layout = dict(xaxis=dict(axis, range=[x0, x1]), yaxis=dict(axis, range=[y0, y1], scaleanchor="x", scaleratio=1),
                  showlegend=False, hovermode="closest", margin=dict(l=4, r=4, t=4, b=4),
                  plot_bgcolor="rgba(0,0,0,0)")
    # From plain dicts: validating the traces took tens of ms of every cube the page draws
    return figure(data, layout, height)


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
