"""The loss map as a picture: log-height bands in greys with darker contour lines where two bands meet.

Drawn once on the server and laid under the paths as a layout image, the map costs the browser one bitmap: no
contour to trace on every redraw, nothing an animation frame can remove (plotly.js drops the layer of any trace
type an animated frame does not touch), and fewer bytes than the grid it is drawn from. The GIF uses the same
bands and lines, so the slide and the page read alike. Views that zoom far in (the step inspector) keep a contour
trace, which stays sharp at any zoom.
"""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

N_LEVELS = 30  # contour levels (and bands): the contour view's and the map's
LONGEST = 640  # pixels along the box's longer side: about what the chart shows, and a few tens of KB as PNG
LIGHT, DARK = 252, 128  # grey of the lowest and the highest band (light = low loss, as in the contour view)
LINE, LINE_ALPHA = 60, 0.45  # contour lines: the contour view's rgba(60, 60, 60, 0.45) over the band's grey


def log_height(z: np.ndarray, base: float | None = None) -> np.ndarray:
    """log10(z - base + 1e-3): valleys of very different depths all get contour lines (base: grid minimum)."""
    base = float(np.nanmin(z[np.isfinite(z)])) if base is None else base
    with np.errstate(invalid="ignore"):
        return np.log10(np.maximum(z - base, 0.0) + 1e-3)


def levels(lz: np.ndarray) -> tuple[float, float]:
    """The lowest and highest contour level of log-heights lz: their 2nd and 98th percentile (outliers aside)."""
    ok = np.isfinite(lz)
    return tuple(float(v) for v in np.nanquantile(lz[ok], [0.02, 0.98])) if ok.any() else (0.0, 1.0)


def pixels(xs: np.ndarray, ys: np.ndarray, longest: int = LONGEST) -> tuple[int, int]:
    """(width, height) in pixels of a map of the box xs x ys, its aspect kept (the axes are drawn 1:1)."""
    w, h = float(xs[-1] - xs[0]), float(ys[-1] - ys[0])
    scale = longest / max(w, h)
    return max(2, round(w * scale)), max(2, round(h * scale))


def bands(z: np.ndarray, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Band 0..N_LEVELS-1 (height, width) uint8 of log-height z (ny, nx) and the contour-line mask, row 0 at the top.

    The levels are the contour view's: N_LEVELS even steps of log10(f - min) between its 2nd and 98th percentile;
    z is resampled bilinearly so lines run smoothly between grid points; non-finite heights get the top band.
    """
    lz = log_height(z)
    ok = np.isfinite(lz)
    lo, hi = levels(lz)
    level = np.clip((np.where(ok, lz, hi) - lo) / max(hi - lo, 1e-12), 0.0, 1.0).astype(np.float32)
    fine = np.asarray(Image.fromarray(level, mode="F").resize(size, Image.Resampling.BILINEAR))[::-1]
    band = np.minimum(np.floor(fine * N_LEVELS), N_LEVELS - 1).astype(np.uint8)
    line = np.zeros(band.shape, dtype=bool)
    line[:, 1:] |= band[:, 1:] != band[:, :-1]
    line[1:] |= band[1:] != band[:-1]
    return band, line


def band_greys() -> np.ndarray:
    """Grey level (N_LEVELS,) of each band, light to dark."""
    return np.linspace(LIGHT, DARK, N_LEVELS).round().astype(np.uint8)


def line_grey(grey: np.ndarray | int) -> np.ndarray:
    """The grey of a contour line drawn over band grey `grey`."""
    return np.round((1 - LINE_ALPHA) * np.asarray(grey, dtype=float) + LINE_ALPHA * LINE).astype(np.uint8)


def greys(z: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The map of z (ny, nx) as grey levels (height, width) uint8: banded fill, contour lines, row 0 at the top."""
    band, line = bands(z, size)
    fill = band_greys()[band]
    return np.where(line, line_grey(fill), fill)


def png(z: np.ndarray, size: tuple[int, int]) -> bytes:
    """The map of z (ny, nx) as a greyscale PNG of size (width, height)."""
    out = io.BytesIO()
    # compress level 9 takes 4x as long for 5% fewer bytes
    Image.fromarray(greys(z, size), mode="L").save(out, format="PNG", compress_level=6)
    return out.getvalue()


def image_layer(xs: np.ndarray, ys: np.ndarray, z: np.ndarray, longest: int = LONGEST) -> dict:
    """A plotly layout image of the map of z (len(ys), len(xs)) stretched over the box, below every trace."""
    uri = "data:image/png;base64," + base64.b64encode(png(z, pixels(xs, ys, longest))).decode()
    return dict(source=uri, xref="x", yref="y", x=float(xs[0]), y=float(ys[-1]), sizex=float(xs[-1] - xs[0]),
                sizey=float(ys[-1] - ys[0]), xanchor="left", yanchor="top", sizing="stretch", layer="below",
                name="loss map")
