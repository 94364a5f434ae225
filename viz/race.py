"""The Radford-style race: every path advancing together, played in the browser with plotly frames.

The loss map is a layout image, not a trace: plotly.js redraws only the traces an animation frame names and drops
the layers of every other trace type, so a contour trace vanished on Play. Frames name the path traces only.
"""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go

from viz.contour_image import image_layer
from viz.contours import marks, path_traces, plane_layout
from viz.theme import color, figure

FRAMES = 100  # at most this many frames: 4 s of play at 25 fps, one round trip of a few hundred KB
TRAIL = 100  # points per path per frame
FRAME_MS = 30
# The buttons carry their own colours: on the dark theme plotly's default label colour (the page's light text)
# sat on plotly's light button face and "Play" was nearly invisible.
BUTTON = dict(bgcolor="#FFFFFF", bordercolor="#8A8A8A", font=dict(size=15, color="#1A1A1A"))


class RaceFigure(go.Figure):
    """A figure whose frames are plain dicts, added when it is serialised.

    plotly re-validates every frame trace (about 6 ms each, even with _validate=False), so 100 frames of seven
    paths would take seconds on each rerun; the frames are built from arrays of known shape here instead.
    """

    _raw_frames: list[dict] = []

    def to_dict(self) -> dict:
        """The figure as plotly.js reads it: data, layout and the animation frames (arrays packed as base64)."""
        out = super().to_dict()
        return out | {"frames": self._raw_frames}


def _packed(v: np.ndarray) -> dict:
    """plotly.js's typed-array form; float32 is finer than a pixel and half the bytes of float64."""
    return {"dtype": "f4", "bdata": base64.b64encode(np.ascontiguousarray(v, dtype=np.float32).tobytes()).decode()}


def _frame(paths: dict[str, np.ndarray], k: int) -> list[dict]:
    """Every path's line up to step k, then one trace of all heads; a path that left the box stays at its last
    finite point."""
    data, heads = [], []
    for p in paths.values():
        seg = p[: k + 1]
        seg = seg[np.isfinite(seg).all(axis=1)]
        head = seg[-1:] if len(seg) else p[:1]
        if len(seg) > TRAIL:
            seg = np.concatenate([seg[:: -(-len(seg) // TRAIL)], head])
        # Arrays, not lists: plotly validates a list element by element but an array at once, and ships it packed.
        data.append(dict(type="scatter", x=_packed(seg[:, 0]), y=_packed(seg[:, 1])))
        heads.append(head[0])
    xy = np.array(heads)
    return data + [dict(type="scatter", x=_packed(xy[:, 0]), y=_packed(xy[:, 1]))]


def _heads(paths: dict[str, np.ndarray]) -> dict:
    """Every path's head (a big dot in its colour) as one trace: a frame redraws one marker trace, not one per path."""
    xy = np.array([p[0] for p in paths.values()])
    return dict(type="scatter", x=xy[:, 0], y=xy[:, 1], mode="markers", showlegend=False, hoverinfo="skip",
                marker=dict(color=[color(i) for i in range(len(paths))], size=12, line=dict(color="white", width=1.5)))


def stops(steps: int, frames: int = FRAMES) -> np.ndarray:
    """The steps the frames show: at most `frames`, evenly spread over 0..steps, both ends included."""
    return np.unique(np.linspace(0, steps, min(frames, steps + 1)).round().astype(int))


def _controls(at: np.ndarray) -> dict:
    """Play / Pause buttons above the plot and a step slider below it."""
    play = dict(label="▶ Play", method="animate",
                args=[None, dict(frame=dict(duration=FRAME_MS, redraw=False), transition=dict(duration=0),
                                 fromcurrent=True, mode="immediate")])
    pause = dict(label="❚❚ Pause", method="animate",
                 args=[[None], dict(frame=dict(duration=0, redraw=False), mode="immediate")])
    scrub = [dict(label=str(k), method="animate",
                  args=[[str(k)], dict(mode="immediate", frame=dict(duration=0, redraw=False))]) for k in at]
    return dict(
        updatemenus=[dict(type="buttons", direction="left", x=0.0, y=1.0, xanchor="left", yanchor="bottom",
                          pad=dict(b=10), buttons=[play, pause], showactive=False, **BUTTON)],
        sliders=[dict(active=0, x=0.0, len=1.0, y=0.0, yanchor="top", pad=dict(t=55, b=0), ticklen=4,
                      currentvalue=dict(prefix="step ", font=dict(size=15), xanchor="left"), steps=scrub,
                      font=dict(size=12))],
    )


def race(xs, ys, z, paths: dict[str, np.ndarray], minima: np.ndarray, start, height: int = 760,
         picture: dict | None = None) -> go.Figure:
    """The map of z (len(ys), len(xs)) with every path (T+1, 2) animated over at most FRAMES client-side frames.

    picture: the map as a layout image (viz.contour_image.image_layer of the same grid), if already made.
    Frames replace the path traces (a line per path, then one trace of the heads: indices 0 .. len(paths))
    and nothing else.
    """
    steps = max(len(p) for p in paths.values()) - 1
    at = stops(steps)
    # Lines only: the base trace is a one-point path, which path_traces would mark with a dot per iterate, and every
    # frame then styled each of its ~100 points one by one (a quarter of a frame's time in the browser).
    data = [path_traces(name, p[:1], i)[0] | {"mode": "lines"} for i, (name, p) in enumerate(paths.items())]
    data.append(_heads(paths))
    animated = list(range(len(data)))
    data += marks(minima, start)
    layout = plane_layout(xs, ys) | _controls(at)
    layout.update(margin=dict(l=55, r=10, t=50, b=150), uirevision="race",
                  images=[picture if picture is not None else image_layer(xs, ys, z)])
    fig = RaceFigure(figure(data, layout, height), _validate=False)
    fig._raw_frames = [dict(data=_frame(paths, int(k)), traces=animated, name=str(k)) for k in at]
    return fig
