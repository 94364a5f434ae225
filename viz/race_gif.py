"""The optimizer race as an animated GIF for slides: the contour map, every path growing together, a legend.

Drawn with Pillow (already a dependency) rather than by exporting plotly frames, which would need a headless
browser on the server; the map is the contour view's (bands and contour lines, light = low loss), the paths in
the app's colours.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from viz.contour_image import N_LEVELS, band_greys, bands, line_grey
from viz.contours import finite_rows
from viz.theme import color

STAR = "#F0E442"


def _palette(n_lines: int) -> tuple[list[int], dict[str, int]]:
    """A fixed GIF palette: the map's band greys and their contour-line greys, then the line colours and the marks
    -> (flat RGB, colour -> index).

    Drawing straight into palette indices keeps every frame exact (no per-frame quantizing merges two paths'
    colours) and fast.
    """
    greys = np.concatenate([band_greys(), line_grey(band_greys())])
    inks = list(dict.fromkeys([color(i) for i in range(n_lines)] + ["#000000", "#FFFFFF", STAR, "#999999"]))
    flat = [int(g) for g in greys for _ in range(3)] + [int(c[k:k + 2], 16) for c in inks for k in (1, 3, 5)]
    return flat + [0] * (768 - len(flat)), {c: 2 * N_LEVELS + i for i, c in enumerate(inks)}


def _background(z: np.ndarray, size: int, palette: list[int]) -> Image.Image:
    """The map of z (ny, nx) as the contour view draws it (viz.contour_image): bands and contour lines in greys."""
    band, line = bands(z, (size, size))
    im = Image.fromarray(np.where(line, band + N_LEVELS, band).astype(np.uint8), mode="P")
    im.putpalette(palette)
    return im


def _to_px(pts: np.ndarray, box: tuple[float, float, float, float], size: int) -> list[tuple[float, float]]:
    xmin, xmax, ymin, ymax = box
    u = (pts[:, 0] - xmin) / (xmax - xmin) * (size - 1)
    v = (ymax - pts[:, 1]) / (ymax - ymin) * (size - 1)
    return list(zip(u.tolist(), v.tolist(), strict=True))


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, ink: dict[str, int]) -> None:
    ang = np.pi / 2 + np.arange(10) * np.pi / 5
    rad = np.where(np.arange(10) % 2 == 0, r, r * 0.45)
    draw.polygon(list(zip((cx + rad * np.cos(ang)).tolist(), (cy - rad * np.sin(ang)).tolist(), strict=True)),
                 fill=ink[STAR], outline=ink["#000000"])


def race_gif(xs: np.ndarray, ys: np.ndarray, z: np.ndarray, paths: dict[str, np.ndarray], minima: np.ndarray,
             start, frames: int = 60, size: int = 480, ms_per_frame: int = 80) -> bytes:
    """GIF bytes of the race: z (len(ys), len(xs)) as the map, each path (T+1, 2) drawn up to the frame's step.

    Frame k shows steps 0..round(k * T / (frames - 1)); a path that diverged stops at its last finite point.
    The last frame is held for 1.5 s so a looping slide rests on the finish.
    """
    box = (float(xs[0]), float(xs[-1]), float(ys[0]), float(ys[-1]))
    palette, ink = _palette(len(paths))
    base = _background(z, size, palette)
    font = ImageFont.load_default(size=15)
    steps = max((len(p) - 1 for p in paths.values()), default=0)
    tracks = {name: _to_px(finite_rows(p), box, size) for name, p in paths.items()}
    images = []
    for k in range(frames):
        t = round(k * steps / max(frames - 1, 1))
        im = base.copy()
        d = ImageDraw.Draw(im)
        for m in np.atleast_2d(minima) if len(minima) else []:
            (mx, my), = _to_px(np.asarray([m], dtype=float), box, size)
            _star(d, mx, my, 11, ink)
        (sx, sy), = _to_px(np.asarray([start], dtype=float), box, size)
        d.ellipse((sx - 8, sy - 8, sx + 8, sy + 8), outline=ink["#000000"], width=3)
        for i, px in enumerate(tracks.values()):
            seen = px[: t + 1]
            if len(seen) > 1:
                d.line(seen, fill=ink[color(i)], width=3, joint="curve")
            if seen:
                hx, hy = seen[-1]
                d.ellipse((hx - 5, hy - 5, hx + 5, hy + 5), fill=ink[color(i)], outline=ink["#FFFFFF"])
        rows = len(tracks) + 1
        d.rectangle((6, 6, 150, 12 + 19 * rows), fill=ink["#FFFFFF"], outline=ink["#999999"])
        d.text((14, 10), f"step {t}", fill=ink["#000000"], font=font)
        for i, name in enumerate(tracks):
            y = 12 + 19 * (i + 1)
            d.line((14, y + 8, 36, y + 8), fill=ink[color(i)], width=4)
            d.text((42, y), name[:14], fill=ink["#000000"], font=font)
        images.append(im)
    out = io.BytesIO()
    durations = [ms_per_frame] * (frames - 1) + [1500]
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:], duration=durations, loop=0,
                   optimize=False, disposal=1)
    return out.getvalue()
