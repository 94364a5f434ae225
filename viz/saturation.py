"""Saturation, dead units and std per layer: grouped bars now, and a layer x step heatmap per net over training."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from viz.grid_layout import axis_name, grid, ref
from viz.histograms import NORMED, PLAIN
from viz.theme import figure

NETS = ("plain", "normed")
METRICS = {"saturated": "saturated share of outputs", "dead": "share of dead units",
           "std": "std of the layer's output"}


def metric_matrix(snaps: Sequence, net: str, metric: str) -> tuple[np.ndarray, np.ndarray]:
    """Steps (T,) and values (layers, T) of one per-layer statistic of one net over the history."""
    steps = np.array([s.step for s in snaps])
    values = np.array([[getattr(layer, metric) for layer in getattr(s, net).layers] for s in snaps], dtype=float)
    return steps, values.T


def _shown(values: np.ndarray, metric: str) -> np.ndarray:
    # Std spans orders of magnitude (a dying signal reaches 1e-10): its colour follows log10.
    return np.log10(np.maximum(values, 1e-12)) if metric == "std" else values


def saturation_chart(snaps: Sequence, metric: str = "saturated",
                     names: Sequence[str] = ("No normalization", "Normalized")) -> go.Figure:
    """Left: ``metric`` per layer at the latest step, both nets; then one heatmap per net: layer x step."""
    last = snaps[-1]
    depth = len(last.plain.layers)
    lay = grid(1, 3, hspace=0.07, col_titles=[f"step {last.step}", f"{names[0]}: over training",
                                              f"{names[1]}: over training"])
    lay["xaxis"]["domain"] = [0.0, 0.3]  # the bars need less room than the time views
    lay["xaxis2"]["domain"], lay["xaxis3"]["domain"] = [0.37, 0.66], [0.71, 0.94]
    data, share = [], metric != "std"
    layers = [str(i + 1) for i in range(depth)]
    zrange = dict(zmin=0.0, zmax=1.0) if share else {}
    for k, (net, color, name) in enumerate(zip(NETS, (PLAIN, NORMED), names, strict=True)):
        now = [getattr(layer, metric) for layer in getattr(last, net).layers]
        data.append(dict(type="bar", x=layers, y=now, name=name, marker_color=color, xaxis="x", yaxis="y",
                         texttemplate=f"%{{y:{'.0%' if share else '.2g'}}}" if depth <= 4 else "",
                         textposition="outside", cliponaxis=False, textfont=dict(size=12),
                         hovertemplate=f"{name}<br>layer %{{x}}: %{{y:{'.1%' if share else '.3g'}}}<extra></extra>"))
        steps, values = metric_matrix(snaps, net, metric)
        data.append(dict(type="heatmap", x=steps, y=np.arange(1, depth + 1), z=_shown(values, metric),
                         customdata=values, colorscale="Viridis", showscale=k == 1, xaxis=ref("x", k + 1),
                         yaxis=ref("y", k + 1), showlegend=False, **zrange,
                         colorbar=dict(thickness=12, x=1.0, len=0.8, y=0.45,
                                       title=dict(text="log₁₀ σ" if not share else "", side="right"),
                                       tickformat=".0%" if share else ""),
                         hovertemplate=f"step %{{x}} · layer %{{y}}<br>%{{customdata:{'.1%' if share else '.3g'}}}"
                                       "<extra></extra>"))
        lay[axis_name("x", k + 1)].update(title_text="step")
        lay[axis_name("y", k + 1)].update(title_text="layer" if k == 0 else "", dtick=1 if depth <= 10 else 2,
                                          autorange="reversed", showgrid=False)
    if share:
        lay["yaxis"].update(range=[0, 1.02], tickformat=".0%")
    else:
        lay["yaxis"].update(type="log", exponentformat="power")
    lay["xaxis"].update(title_text="layer", type="category")
    lay["barmode"] = "group"
    lay["margin"] = dict(l=10, r=40, t=80, b=40)
    return figure(data, lay, 360, f"{METRICS[metric].capitalize()} per layer")


def saturation_rows(snap, names: Sequence[str] = ("no norm", "normalized")) -> list[dict]:
    """One table row per layer: saturated and dead-unit percentages and output std of both nets."""
    rows = []
    for i, (a, b) in enumerate(zip(snap.plain.layers, snap.normed.layers, strict=True)):
        rows.append({"layer": i + 1, f"sat % · {names[0]}": 100 * a.saturated, f"sat % · {names[1]}": 100 * b.saturated,
                     f"dead % · {names[0]}": 100 * a.dead, f"dead % · {names[1]}": 100 * b.dead,
                     f"std · {names[0]}": a.std, f"std · {names[1]}": b.std})
    return rows
