"""Figures of the race on a real network: loss and test-accuracy curves, and the paths over a loss plane."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.contour_image import image_layer
from viz.contours import marks, path_traces, single
from viz.grid_layout import grid, ref
from viz.smoothness import with_gaps
from viz.theme import color, figure

SMOOTH = 20  # the loss curve: mean of the last 20 mini-batch losses (ConvNetJS's trainer demo draws that)
DASH = {0: "solid", 1: "dash"}  # first net (plain) solid, second (batch norm) dashed


def label(run, net: str, nets: int) -> str:
    """A run's legend entry: the rule, its lr, the net when two are drawn, and where it diverged."""
    name = f"{run.title} (lr {run.lr:g})" + (f", {net}" if nets > 1 else "")
    return f"{name}: diverged at step {run.diverged_at}" if run.diverged_at is not None else name


def curves_figure(races: dict, height: int = 380) -> go.Figure:
    """Two panels over the update step: the smoothed training loss (log) and the test accuracy; one colour per
    rule, one dash per net (``races``: net name -> core.real_race.RealRace, same rules in the same order)."""
    lay = grid(1, 2, hspace=0.1, col_titles=[f"training loss (mean of the last {SMOOTH} mini-batches)",
                                            "test accuracy"])
    data = []
    for n, (net, race) in enumerate(races.items()):
        for i, run in enumerate(race.runs):
            name = label(run, net, len(races))
            line = dict(color=color(i), width=2.5, dash=DASH[n % 2])
            steps = np.arange(1, len(run.losses) + 1)
            data.append(dict(type="scatter", mode="lines", x=steps, y=with_gaps(run.smoothed(SMOOTH)), name=name,
                             legendgroup=name, line=line, xaxis="x", yaxis="y",
                             hovertemplate=f"{name}<br>step %{{x}}: loss %{{y:.3f}}<extra></extra>"))
            data.append(dict(type="scatter", mode="lines+markers", x=race.eval_steps, y=with_gaps(run.test_acc),
                             name=name, legendgroup=name, showlegend=False, line=line, marker=dict(size=5),
                             xaxis=ref("x", 1), yaxis=ref("y", 1),
                             hovertemplate=f"{name}<br>step %{{x}}: %{{y:.1%}}<extra></extra>"))
            if run.diverged_at is not None:
                data.append(dict(type="scatter", mode="markers", x=[run.diverged_at], y=[_last(run)],
                                 marker=dict(symbol="x", size=12, color=color(i)), showlegend=False,
                                 legendgroup=name, hovertemplate=f"{name}<extra></extra>", xaxis="x", yaxis="y"))
    lay["xaxis"].update(title=dict(text="update step"))
    lay["xaxis2"].update(title=dict(text="update step"))
    lay["yaxis"].update(type="log", dtick="D2", title=dict(text="cross-entropy"))  # minor labels 2 and 5 only
    lay["yaxis2"].update(range=[0, 1.02], tickformat=".0%", title=dict(text="held-out digits"))
    lay |= dict(legend=dict(orientation="h", y=-0.2, yanchor="top", x=0, font=dict(size=13)),
                margin=dict(l=10, r=10, t=40, b=60))
    return figure(data, lay, height)


def _last(run) -> float:
    ok = np.flatnonzero(np.isfinite(run.losses))
    return float(run.smoothed(SMOOTH)[ok[-1]]) if len(ok) else 1.0


def plane_figure(plane, race, net: str = "", height: int = 520) -> go.Figure:
    """The loss over the plane as a log-scaled grey map (light = low), each rule's recorded weights as a path, the
    shared start (open circle) and the centre, the reference run's final weights (star)."""
    paths = {label(run, net, 1): p for run, p in zip(race.runs, plane.paths, strict=True)}
    data = []
    for i, (name, pts) in enumerate(paths.items()):
        if len(pts):
            data += path_traces(name, pts, i)
    data = [single(t) for t in data]
    start = next((p[0] for p in plane.paths if len(p)), np.zeros(2))
    centre = np.zeros((1, 2))
    data += marks(centre, start)
    data[-2]["name"] = f"centre: {race.runs[plane.reference].title}'s final weights"
    axes = ("PC 1", "PC 2") if plane.kind == "pca" else ("direction 1", "direction 2")
    if plane.kind == "pca":
        axes = tuple(f"{a} ({r:.0%} of the variance)" for a, r in zip(axes, plane.ratio, strict=True))
    xs, ys = plane.xs, plane.ys
    layout = dict(
        xaxis=dict(range=[xs[0], xs[-1]], title=dict(text=axes[0]), showgrid=False, zeroline=False),
        yaxis=dict(range=[ys[0], ys[-1]], title=dict(text=axes[1]), showgrid=False, zeroline=False),
        # below the map (two planes share the page's width side by side), on the page: no colour of its own, so its
        # text takes the theme's (views.ui.charts.live draws it with the page's text colour; theme placeholders
        # such as viz.theme.INK are swapped by st.plotly_chart only)
        legend=dict(orientation="h", x=0, y=-0.18, yanchor="top", font=dict(size=13)),
        margin=dict(l=55, r=10, t=50 if net else 20, b=50), plot_bgcolor="rgba(0,0,0,0)",
        images=[image_layer(xs, ys, plane.z)])
    return figure(data, layout, height, title=net)
