"""What a race asks of the shared server: its cost in seconds, and the largest setting that fits a page run.

A race's time grows with steps x optimizers (one vectorised update per optimizer family and step) and, more
slowly, with the rows each optimizer advances together (noise paths, or the fair race's 19 lrs). Seconds per unit
are measured once per process on a small race (views.ui.budget.rate), so a slower server gets honest limits.
"""

from __future__ import annotations

from core.optim.registry import OPTIMIZERS
from core.optim.run import run_batch
from core.optim.sweep import sweep
from views.ui import budget

# One more row of an optimizer costs about a fifth of its own per-step update (measured on 2 cores: 13 optimizers x
# 2000 steps take 0.34 s with one path and 1.16 s with 16; the fair race's 19 lrs cost like 19 rows).
ROW = 0.2
_PROBE = (("sgd", {"lr": 0.01}), ("momentum", {"lr": 0.01}), ("adam", {"lr": 0.01}))
_PROBE_STEPS = 2000  # long enough that the per-race set-up does not inflate the rate


def units(steps: int, optimizers: int, rows: int = 1) -> float:
    """Cost units of `optimizers` x `rows` runs of `steps` steps."""
    return steps * optimizers * (1.0 + ROW * rows)


def _probe() -> float:
    run_batch(list(_PROBE), "beale", (1.0, 1.5), _PROBE_STEPS)
    return units(_PROBE_STEPS, len(_PROBE))


def seconds(steps: int, optimizers: int, rows: int = 1) -> float:
    """Estimated seconds of that race on this server."""
    return units(steps, optimizers, rows) * budget.rate("optimizer race", _probe)


def most_rows(steps: int, optimizers: int, wanted: int) -> int:
    """The most rows per optimizer (<= wanted, >= 1) whose race fits a page run (budget.RUN_S)."""
    rows = wanted
    while rows > 1 and not budget.fits_inline(seconds(steps, optimizers, rows)):
        rows -= 1
    return rows


def most_steps(optimizers: int, rows: int, wanted: int, grain: int = 100) -> int:
    """The most steps (a multiple of `grain`, <= wanted) whose race fits a page run."""
    per = seconds(grain, optimizers, rows)
    return min(wanted, max(grain, int(budget.RUN_S / max(per, 1e-12)) * grain))  # never more than asked for


def too_long(estimate_s: float, what: str, nearest: str, outcome: str) -> str:
    """One sentence: `what` would take about `estimate_s`, more than a page run may compute; `nearest` fits, and
    `outcome` (what the page does instead)."""
    return (f"{what} would take about {budget.seconds(estimate_s)} on this shared server, more than the "
            f"{budget.seconds(budget.RUN_S)} one view may compute at a time; {nearest} would fit, so {outcome}.")


def sweep_seconds(optimizer: str, runs: int, steps: int) -> float:
    """Estimated seconds of a sweep of `runs` runs of `steps` steps of one optimizer (its own measured rate: an
    Adam run costs four momentum runs)."""
    second = OPTIMIZERS[optimizer].second
    value = OPTIMIZERS[optimizer].defaults[second] if second else None

    def probe() -> float:
        sweep(optimizer, "beale", (1.0, 1.5), 50, x=("lr", [1e-3] * 64), y=(second, [value] * 16))
        return 64 * 16 * 50  # a band of the page's sweep (1024 runs), briefly

    return runs * steps * budget.rate(f"optimizer sweep {optimizer}", probe)
