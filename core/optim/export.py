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


def _cell(v) -> str:
    # floats at full precision (a notebook reads back the same number); None (not defined for this run) as empty
    if v is None:
        return ""
    return f"{v:.17g}" if isinstance(v, float) else str(v)


def results_csv(rows: list[dict]) -> str:
    """CSV of core.optim.results.results_table rows: every key as a column (the first row's order, then any later
    rows add), one line per run; an empty cell is a value not defined for that run (e.g. no final point)."""
    columns = list(dict.fromkeys(k for r in rows for k in r))
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(columns)
    for r in rows:
        w.writerow([_cell(r.get(k)) for k in columns])
    return out.getvalue()
