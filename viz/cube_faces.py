"""The cube's flat geometry: where a cell (n, c, s) lands on the page, a box's three visible faces and nine visible
edges, grid ticks, and the invisible click targets that let a click pick a cell."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

Box = tuple[tuple[int, int, int], tuple[int, int, int]]  # lo, hi (exclusive) in (n, c, s) cell indices
# The batch axis recedes up and right at 30 degrees, foreshortened (a cabinet-style oblique view): the front face
# (C across, S down) is undistorted, so its cells stay square and easy to count and to click.
ANGLE, DEPTH = math.radians(30), 0.7
DX, DY = DEPTH * math.cos(ANGLE), DEPTH * math.sin(ANGLE)
HOVER = "click: n = %{customdata[0]}, c = %{customdata[1]}, h = %{customdata[2]}, w = %{customdata[3]}<extra></extra>"
MAX_TARGETS = 16  # click targets per axis and face: every cell up to 16, else one per grid block (or image row)


@dataclass(frozen=True)
class Frame:
    """One panel on the page: its lower-left origin, scale, the block's (N, C, S) and drawn lengths of N, C, S."""

    origin: tuple[float, float]
    scale: float
    shape: tuple[int, int, int]
    lengths: tuple[float, float, float]

    def pt(self, n: float, c: float, s: float) -> np.ndarray:
        """Page (x, y) of the cube point (n, c, s): c to the right, s downwards from the top, n receding."""
        (nn, cc, ss), (ln, lc, ls) = self.shape, self.lengths
        d = n / nn * ln
        return np.array([self.origin[0] + self.scale * (c / cc * lc + d * DX),
                         self.origin[1] + self.scale * ((ss - s) / ss * ls + d * DY)])

    def pts(self, ncs: np.ndarray) -> np.ndarray:
        """Page points (k, 2) of cube points (k, 3)."""
        return np.stack(self.pt(ncs[:, 0], ncs[:, 1], ncs[:, 2]), axis=1)

    @property
    def size(self) -> tuple[float, float]:
        """(width, height) of the drawn block."""
        ln, lc, ls = self.lengths
        return self.scale * (lc + ln * DX), self.scale * (ls + ln * DY)

    @property
    def bounds(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """((x0, y0), (x1, y1)) of the drawn block."""
        w, h = self.size
        return self.origin, (self.origin[0] + w, self.origin[1] + h)

    def outline(self, box: Box) -> np.ndarray:
        """The nine edges of a box the viewer sees (front rectangle, three receding edges, two at the back) as ONE
        polyline (12, 2): no path covers them without retracing, so two edges are drawn twice."""
        (n0, c0, s0), (n1, c1, s1) = box
        a, b, c, d = (n0, c0, s1), (n0, c0, s0), (n0, c1, s0), (n0, c1, s1)  # front: bottom-left, clockwise
        e, f, g = (n1, c0, s0), (n1, c1, s0), (n1, c1, s1)  # back: top-left, top-right, bottom-right
        return np.array([self.pt(*q) for q in (a, d, c, b, a, b, e, f, c, f, g, d)])


def faces(fr: Frame, box: Box, surface: bool = False) -> list[tuple[str, np.ndarray]]:
    """(face, corners (4, 2)) of the box's front, top and right faces; surface: only those on the block's surface."""
    (n0, c0, s0), (n1, c1, s1) = box
    p = fr.pt
    out = [("front", [p(n0, c0, s0), p(n0, c1, s0), p(n0, c1, s1), p(n0, c0, s1)], n0 == 0),
           ("top", [p(n0, c0, s0), p(n0, c1, s0), p(n1, c1, s0), p(n1, c0, s0)], s0 == 0),
           ("right", [p(n0, c1, s0), p(n1, c1, s0), p(n1, c1, s1), p(n0, c1, s1)], c1 == fr.shape[1])]
    return [(f, np.array(q)) for f, q, on in out if on or not surface]


def mix(hex_color: str, t: float) -> str:
    """hex_color mixed with white (t > 0) or black (t < 0) by |t|, as rgb()."""
    rgb = np.array([int(hex_color[k:k + 2], 16) for k in (1, 3, 5)], float)
    out = rgb + t * (255 - rgb) if t > 0 else rgb * (1 + t)
    return "rgb({},{},{})".format(*np.rint(out).astype(int))


def ticks(count: int, limit: int, major: int | None = None) -> list[int]:
    """Cell boundaries 0..count, thinned to at most ~limit blocks (at multiples of major when that is few enough)."""
    if count <= limit:
        return list(range(count + 1))
    step = major if major and count // major <= limit else math.ceil(count / limit)
    return sorted(set(range(0, count + 1, step)) | {count})


def _hw(a: int, b: int, w: int) -> tuple[int, int]:
    """(h, w) a click on positions [a, b) picks: the cell, a whole image row (w unchanged: -1), or the middle one."""
    if b - a == 1:
        return divmod(a, w)
    if a % w == 0 and b - a == w:
        return a // w, -1
    return divmod((a + b - 1) // 2, w)


def _bins(count: int, major: int | None = None) -> list[tuple[int, int]]:
    t = ticks(count, MAX_TARGETS, major)
    return list(zip(t[:-1], t[1:], strict=True))


def _targets(shape: tuple[int, int, int], w: int) -> tuple[np.ndarray, np.ndarray]:
    """Cube points (k, 3) of the targets on the front (n = 0), top (s = 0) and right (c = C) faces, and the
    (n, c, h, w) each picks (k, 4)."""
    n, c, s = shape
    bn, bc, bs = (np.array(_bins(k, major)) for k, major in ((n, None), (c, None), (s, w)))
    mn, mc, ms = (b.mean(axis=1) for b in (bn, bc, bs))
    rn, rc = ((b.sum(axis=1) - 1) // 2 for b in (bn, bc))
    hs, ws = np.array([_hw(int(a), int(b), w) for a, b in bs]).T
    ic, js = (g.ravel() for g in np.meshgrid(np.arange(len(bc)), np.arange(len(bs)), indexing="ij"))
    jn, kc = (g.ravel() for g in np.meshgrid(np.arange(len(bn)), np.arange(len(bc)), indexing="ij"))
    ln, ms_ = (g.ravel() for g in np.meshgrid(np.arange(len(bn)), np.arange(len(bs)), indexing="ij"))
    zero = lambda k: np.zeros(len(k))  # noqa: E731
    pts = np.concatenate([np.stack([zero(ic), mc[ic], ms[js]], 1),  # front: the (c, s) grid at n = 0
                          np.stack([mn[jn], mc[kc], zero(jn)], 1),  # top: the (n, c) grid at s = 0
                          np.stack([mn[ln], c + zero(ln), ms[ms_]], 1)])  # right: the (n, s) grid at c = C
    picks = np.concatenate([np.stack([zero(ic), rc[ic], hs[js], ws[js]], 1),
                            np.stack([rn[jn], rc[kc], zero(jn), zero(jn)], 1),
                            np.stack([rn[ln], c - 1 + zero(ln), hs[ms_], ws[ms_]], 1)])
    return pts, picks.astype(np.int8)


def pick_targets(frames: list[Frame], w: int) -> list[dict]:
    """Invisible marker traces over every panel's visible faces (cells, and image rows whose w stays); customdata
    (n, c, h, w) is the cell a click picks, w = -1 for a row.

    maxdisplayed=1: plotly hovers and selects every point from its data but puts one in the DOM; a path per target
    (1280 of them by default) cost more than the rest of the cube.
    """
    ncs, picks = _targets(frames[0].shape, w)
    xy = np.concatenate([fr.pts(ncs) for fr in frames]).astype(np.float32)
    picks = np.tile(picks, (len(frames), 1))
    out = []
    for rows, hover in ((False, HOVER), (True, HOVER.replace(", w = %{customdata[3]}", " (w stays)"))):
        mine = (picks[:, 3] < 0) == rows
        if mine.any():
            out.append(dict(type="scatter", x=xy[mine, 0], y=xy[mine, 1], mode="markers", name="pick",
                            customdata=picks[mine], marker=dict(size=10, opacity=0, maxdisplayed=1),
                            selected=dict(marker=dict(opacity=0)), unselected=dict(marker=dict(opacity=0)),
                            hovertemplate=hover, showlegend=False))
    return out
