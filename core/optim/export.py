"""Plain-text exports of results (CSV), so students can take the numbers to a notebook or a spreadsheet."""

from __future__ import annotations

import csv
import io


def trajectories_csv(named: dict) -> str:
    """CSV with one row per optimizer and step: optimizer, step, x, y, loss, grad_x, grad_y (NaN after divergence)."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["optimizer", "step", "x", "y", "loss", "grad_x", "grad_y"])
    for name, t in named.items():
        for k in range(len(t.points)):
            w.writerow([name, k, *(f"{v:.17g}" for v in (*t.points[k], t.losses[k], *t.grads[k]))])
    return out.getvalue()
