"""The Keras tab's chart: per-feature mean and std of the paper's, torch's and Keras's outputs after k batches."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.keras_compare import FAMILIES, PHASES, KerasComparison
from viz.grid_layout import axis_name, grid, ref
from viz.theme import PALETTE, figure

# One colour per implementation; torch is dotted over the paper's thick line (in train mode they coincide).
LOOK = {"paper": dict(color=PALETTE[0], width=5, dash="solid"), "torch": dict(color=PALETTE[1], width=2, dash="dot"),
        "Keras mode 0": dict(color=PALETTE[2], width=2.5, dash="solid"),
        "Keras mode 1": dict(color=PALETTE[3], width=2.5, dash="dash")}
ROWS = {"train": "training batch k (train mode)", "eval": "held-out batch (eval / test mode)"}


def _panel_title(text: str, layout: dict, k: int) -> dict:
    x0, x1 = layout[axis_name("x", k)]["domain"]
    return dict(text=f"<b>{text}</b>", x=(x0 + x1) / 2, y=layout[axis_name("y", k)]["domain"][1], xref="paper",
                yref="paper", xanchor="center", yanchor="bottom", showarrow=False, font=dict(size=14), yshift=4)


def keras_figure(cmp: KerasComparison, affine: bool = False) -> go.Figure:
    """2 x 2 panels: rows train (batch k) / eval (held-out batch), columns per-feature mean / std; one line per
    implementation (paper, torch, Keras mode 0, Keras mode 1), x = feature index. ``affine``: after each layer's
    initial gamma and beta, else before them."""
    layout = grid(2, 2, hspace=0.08, vspace=0.2)
    layout["annotations"] = [_panel_title(f"{ROWS[phase]}: {stat}", layout, r * 2 + c)
                             for r, phase in enumerate(PHASES) for c, stat in enumerate(("mean", "std"))]
    c = cmp.outputs[0].normed.shape[1]
    data = []
    for r, phase in enumerate(PHASES):
        for col, stat in enumerate(("mean", "std")):
            k = r * 2 + col
            layout[axis_name("x", k)].update(title=dict(text="feature" if r == 1 else ""), dtick=max(1, c // 8))
            for family in FAMILIES:
                out = cmp.output(family, phase)
                y = out.mean(affine) if stat == "mean" else out.std(affine)
                data.append(dict(type="scatter", x=np.arange(c), y=y, mode="lines+markers", name=family,
                                 legendgroup=family, showlegend=k == 0, line=LOOK[family],
                                 marker=dict(size=4, color=LOOK[family]["color"]), xaxis=ref("x", k),
                                 yaxis=ref("y", k),
                                 hovertemplate=f"{out.title}<br>feature %{{x}}: {stat} %{{y:.4g}}<extra></extra>"))
    where = "with each layer's initial γ, β" if affine else "before γ, β"
    return figure(data, layout | dict(margin=dict(l=10, r=10, t=80, b=60),
                                      legend=dict(orientation="h", y=-0.12, x=0.5, xanchor="center")),
                  500, title=f"Per-feature mean and std of each output after k = {cmp.k} training batch"
                        f"{'es' if cmp.k > 1 else ''} ({where})")
