"""The Radford-style race: every path advancing together, played in the browser with plotly frames."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.trajectories import contour

FRAMES = 60  # the browser plays these; more only costs bandwidth and build time
TRAIL = 150  # points per path per frame


def race(xs, ys, z, paths: dict[str, np.ndarray], minima: np.ndarray, start) -> go.Figure:
    """Contour with animated paths: Play / Pause buttons and a step slider to scrub."""
    steps = max(len(p) for p in paths.values()) - 1
    marks = np.unique(np.linspace(0, steps, min(FRAMES, steps + 1)).astype(int))
    fig = contour(xs, ys, z, {n: p[:1] for n, p in paths.items()}, minima, start, pick_grid=2)
    first = 2  # contour and pick grid come first; then (line, head) per path
    animated = [first + 2 * i + j for i in range(len(paths)) for j in (0, 1)]
    frames = []
    for k in marks:
        data = []
        for p in paths.values():
            seg = p[: k + 1]
            seg = seg[np.isfinite(seg).all(axis=1)]
            head = seg[-1:] if len(seg) else p[:1]
            seg = np.vstack([seg[:: -(-len(seg) // TRAIL)], head]) if len(seg) > TRAIL else seg
            # Plain dicts: validating 60 x 2n frame traces through plotly's objects takes seconds.
            data += [dict(type="scatter", x=seg[:, 0].tolist(), y=seg[:, 1].tolist()),
                     dict(type="scatter", x=head[:, 0].tolist(), y=head[:, 1].tolist())]
        frames.append(dict(data=data, traces=animated, name=str(k)))
    play = dict(label="▶ Play", method="animate",
                args=[None, dict(frame=dict(duration=60, redraw=False), transition=dict(duration=0),
                                 fromcurrent=True, mode="immediate")])
    pause = dict(label="❚❚ Pause", method="animate",
                 args=[[None], dict(frame=dict(duration=0, redraw=False), mode="immediate")])
    fig.update_layout(
        updatemenus=[dict(type="buttons", direction="left", x=0.0, y=1.12, xanchor="left", buttons=[play, pause])],
        sliders=[dict(active=0, x=0.2, len=0.8, y=1.13, currentvalue=dict(prefix="step "), pad=dict(t=0),
                      steps=[dict(label=str(k), method="animate",
                                  args=[[str(k)], dict(mode="immediate", frame=dict(duration=0, redraw=False))])
                             for k in marks])],
        margin=dict(t=110),
    )
    spec = fig.to_plotly_json()
    spec["frames"] = frames
    return go.Figure(spec, _validate=False)  # the frames are plain data built above; skip re-validating them
