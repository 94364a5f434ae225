"""An optimizer's state against step: buffers beside their bias-corrected forms, and the effective step size."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.contours import thin
from viz.theme import color, figure

LABELS = {
    "velocity": "velocity b", "exp_avg": "m (exp_avg), uncorrected", "m_hat": "m̂ = m / (1 − β₁ᵗ), corrected",
    "exp_avg_sq": "v (exp_avg_sq), uncorrected", "v_hat": "v̂ = v / (1 − β₂ᵗ), corrected",
    "max_exp_avg_sq": "running max of v, uncorrected", "sum": "s = Σ g² (sum)", "square_avg": "v (square_avg)",
    "acc_delta": "u (acc_delta)", "exp_inf": "u (exp_inf)", "prev": "previous gradient (prev)",
    "eff_step": "effective step size per coordinate",
}
SIGNED = ("velocity", "exp_avg", "m_hat", "prev")  # can be negative: linear axis; the others are positive: log
PARTNER = {"exp_avg": "m_hat", "exp_avg_sq": "v_hat", "max_exp_avg_sq": "v_hat"}
ROW_HEIGHT = 250
ROUNDING = 1e-9  # relative spread below which a series is one value computed with float noise (SGD's |dtheta|/|g|)


def steady(y: np.ndarray, rel: float = ROUNDING) -> np.ndarray:
    """y (T,) as drawn: a series constant up to float rounding becomes exactly flat at its value (12 digits).

    Plotly autoscales the axis to the noise otherwise: SGD's constant step size 0.01 becomes a wild oscillation
    with ticks like 0.0100000000000000602.
    """
    y = np.asarray(y, dtype=float)
    finite = y[np.isfinite(y)]
    if not finite.size or np.ptp(finite) > rel * np.abs(finite).max():
        return y
    return np.where(np.isfinite(y), float(f"{np.median(finite):.12g}"), np.nan)


def panel_rows(names: list[str]) -> list[list[str]]:
    """Rows of panel names: each buffer beside its corrected form, the effective step size last and alone."""
    partners = {PARTNER[n] for n in names if n in PARTNER and PARTNER[n] in names}
    if "max_exp_avg_sq" in names:  # AMSGrad: v_hat belongs to the running max, not to v
        partners.add("v_hat")
    rows = []
    for n in names:
        if n in partners or n == "eff_step":
            continue
        mate = PARTNER.get(n)
        pair = mate in names and (n != "exp_avg_sq" or "max_exp_avg_sq" not in names)
        rows.append([n, mate] if pair else [n])
    return rows + [["eff_step"]] if "eff_step" in names else rows


def _rows_shown(n: int, logx: bool) -> np.ndarray:
    """Row indices to draw: log-spaced when the step axis is logarithmic (the first steps stay dense)."""
    if logx:
        return np.unique(np.geomspace(1, n - 1, 900).astype(int)) if n > 1 else np.arange(n)
    return thin(np.arange(n), 1000)


def state_time(name: str, series: dict[str, np.ndarray], k: int | None = None, logx: bool = False) -> go.Figure:
    """series name -> (T+1, 2) against step: x coordinate solid, y dotted; paired panels share their y axis."""
    rows = panel_rows(list(series))
    n, data, annotations, layout = len(rows), [], [], {}
    steps = _rows_shown(len(next(iter(series.values()))), logx) if series else np.arange(0)
    ax = 0
    for r, row in enumerate(rows):
        top, bottom = 1 - r / n, 1 - (r + 1) / n
        for c, key in enumerate(row):
            ax += 1
            sx, sy = ("" if ax == 1 else str(ax)), ("" if ax == 1 else str(ax))
            x0, x1 = (0.0, 1.0) if len(row) == 1 else ((0.0, 0.46) if c == 0 else (0.54, 1.0))
            log = key not in SIGNED
            arr = series[key]
            for j, axis in enumerate("xy"):
                y = steady(arr[steps, j])
                if log:
                    y = np.where(y > 0, y, np.nan)
                data.append(dict(type="scatter", x=steps, y=y, mode="lines", xaxis=f"x{sx}", yaxis=f"y{sy}",
                                 name=f"{axis} coordinate", legendgroup=axis, showlegend=ax == 1,
                                 line=dict(color=color(j), width=2.5, dash="solid" if j == 0 else "dot"),
                                 hovertemplate=f"{LABELS.get(key, key)} ({axis})<br>step %{{x}}: %{{y:.4g}}"
                                               "<extra></extra>"))
            yaxis = dict(domain=[bottom + 0.09 / n * 2, top - 0.06 / n * 2], anchor=f"x{sx}", exponentformat="power",
                         type="log" if log else "linear")
            if c == 1:  # beside its uncorrected form: same scale, so the correction's size is visible
                yaxis["matches"] = f"y{ax - 1 if ax > 2 else ''}"
            layout[f"yaxis{sy}"] = yaxis
            layout[f"xaxis{sx}"] = dict(domain=[x0, x1], anchor=f"y{sy}", type="log" if logx else "linear",
                                        title=dict(text="step") if r == n - 1 else None)
            annotations.append(dict(text=f"<b>{LABELS.get(key, key)}</b>", xref="paper", yref="paper", x=x0,
                                    y=top - 0.06 / n * 2, xanchor="left", yanchor="bottom", showarrow=False,
                                    font=dict(size=14)))
    shapes = []
    if k is not None and k > 0:
        shapes = [dict(type="line", x0=k, x1=k, xref=f"x{'' if i == 1 else i}", yref="paper", y0=0, y1=1,
                       line=dict(color="#555", dash="dash", width=1)) for i in range(1, ax + 1)]
    layout.update(annotations=annotations, shapes=shapes, title=dict(text=f"{name}: state over time", x=0.01),
                  legend=dict(orientation="h", x=1.0, xanchor="right", y=1.0, yanchor="bottom"),
                  margin=dict(l=70, r=10, t=60, b=50))
    return figure(data, layout, ROW_HEIGHT * max(n, 1) + 90)
