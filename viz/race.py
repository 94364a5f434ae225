"""The Radford-style race: every path advancing together, played in the browser with plotly frames."""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go

from viz.contours import landscape, marks, path_traces, plane_layout
from viz.theme import figure

FRAMES = 120  # the browser plays these: smooth at ~25 fps, light enough to ship with the page
TRAIL = 100  # points per path per frame
FRAME_MS = 40


class RaceFigure(go.Figure):
    """A figure whose frames are plain dicts, added when it is serialised.

    plotly re-validates every frame trace (about 6 ms each, even with _validate=False), so 120 frames of seven
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
    """Line and head of every path up to step k; a diverged path stays at its last finite point."""
    data = []
    for p in paths.values():
        seg = p[: k + 1]
        seg = seg[np.isfinite(seg).all(axis=1)]
        head = seg[-1:] if len(seg) else p[:1]
        if len(seg) > TRAIL:
            seg = np.concatenate([seg[:: -(-len(seg) // TRAIL)], head])
        # Arrays, not lists: plotly validates a list element by element but an array at once, and ships it packed.
        data += [dict(type="scatter", x=_packed(seg[:, 0]), y=_packed(seg[:, 1])),
                 dict(type="scatter", x=_packed(head[:, 0]), y=_packed(head[:, 1]))]
    return data


def _controls(stops: np.ndarray) -> dict:
    """Play / Pause buttons and a step slider, laid out above the plot."""
    play = dict(label="▶ Play", method="animate",
                args=[None, dict(frame=dict(duration=FRAME_MS, redraw=False), transition=dict(duration=0),
                                 fromcurrent=True, mode="immediate")])
    pause = dict(label="❚❚ Pause", method="animate",
                 args=[[None], dict(frame=dict(duration=0, redraw=False), mode="immediate")])
    scrub = [dict(label=str(k), method="animate",
                  args=[[str(k)], dict(mode="immediate", frame=dict(duration=0, redraw=False))]) for k in stops]
    return dict(
        updatemenus=[dict(type="buttons", direction="left", x=0.0, y=1.0, xanchor="left", yanchor="bottom",
                          pad=dict(b=10), buttons=[play, pause], font=dict(size=15))],
        sliders=[dict(active=0, x=0.0, len=1.0, y=0.0, yanchor="top", pad=dict(t=55, b=0), ticklen=4,
                      currentvalue=dict(prefix="step ", font=dict(size=15), xanchor="left"), steps=scrub,
                      font=dict(size=12))],
    )


def race(xs, ys, z, paths: dict[str, np.ndarray], minima: np.ndarray, start, height: int = 760) -> go.Figure:
    """Contour with every path (T+1, 2) animated over at most FRAMES client-side frames; Play/Pause and a slider."""
    steps = max(len(p) for p in paths.values()) - 1
    stops = np.unique(np.linspace(0, steps, min(FRAMES, steps + 1)).round().astype(int))
    data = [landscape(xs, ys, z)]
    for i, (name, p) in enumerate(paths.items()):
        data += path_traces(name, p[:1], i)
    animated = list(range(1, 1 + 2 * len(paths)))  # trace indices the frames replace: (line, head) per path
    data += marks(minima, start)
    layout = plane_layout(xs, ys) | _controls(stops)
    layout["margin"] = dict(l=55, r=10, t=50, b=150)
    layout["uirevision"] = "race"
    fig = RaceFigure(figure(data, layout, height), _validate=False)
    fig._raw_frames = [dict(data=_frame(paths, int(k)), traces=animated, name=str(k)) for k in stops]
    return fig
