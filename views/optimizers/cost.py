"""What a race asks of the shared server: its cost in seconds, and the largest setting that fits a page run.

A race's time grows with steps x optimizers (one vectorised update per optimizer family and step) and, more
slowly, with the rows each optimizer advances together (noise paths, or the fair race's 19 lrs). Seconds per unit
are measured once per process on a small race (views.ui.budget.rate), so a slower server gets honest limits; so is
how much longer the race takes on a schedule that moves it off the float loop (`slowdown`).
"""

from __future__ import annotations

from core.optim.registry import OPTIMIZERS
from core.optim.run import run_batch
from core.optim.schedule_plan import slower_form
from core.optim.sweep import sweep
from views.ui import budget

# One more row of an optimizer costs about a fifth of its own per-step update (measured on 2 cores: 13 optimizers x
# 2000 steps take 0.34 s with one path and 1.16 s with 16; the fair race's 19 lrs cost like 19 rows).
ROW = 0.2
# lrs at which every probe run stays in the box, also under SLOWER's schedules (the float loop skips a run once it has
# left: momentum at lr 0.01 did by step 8, so the probe had timed two runs of three)
_PROBE = (("sgd", {"lr": 2e-3}), ("momentum", {"lr": 2e-3}), ("adam", {"lr": 0.01}))
_PROBE_STEPS = 2000  # long enough that the per-race set-up does not inflate the rate


# A schedule that sets more than the lr (a cycled momentum) or follows each run's loss (ReduceLROnPlateau) takes the
# race off the float loop onto the batched form (core.optim.schedule_plan.slower_form). Measured on 2 cores, CPU
# time: the probe race takes 1.6x as long with a cycled momentum and 2.6x with ReduceLROnPlateau; 13 optimizers
# 1.4x and 1.6x; 7 optimizers x 4 noise paths (batched anyway) 1.2x and 2.0x. The probe's factor, measured on this
# server, thus errs long by at most ~1.7x. Both keep the probe's runs in the box (CyclicLR's max_lr: 2 x each lr).
SLOWER = {"momentum": [("cyclic", {"max_lr": 2 * h["lr"]}) for _, h in _PROBE], "loss": ("plateau", {})}


def units(steps: int, optimizers: int, rows: int = 1) -> float:
    """Cost units of `optimizers` x `rows` runs of `steps` steps."""
    return steps * optimizers * (1.0 + ROW * rows)


def _probe(schedule: tuple | list | None = None) -> float:
    run_batch(list(_PROBE), "beale", (1.0, 1.5), _PROBE_STEPS, schedule=schedule)
    return units(_PROBE_STEPS, len(_PROBE))


def slowdown(slower: str | None) -> float:
    """How many times longer a race takes in the slower form `slower` (a key of SLOWER, as
    core.optim.schedule_plan.slower_form names it) than unscheduled: 1 for None; measured once per process."""
    if slower is None:
        return 1.0
    rate = budget.rate(f"optimizer race ({slower})", lambda: _probe(SLOWER[slower]))
    return max(1.0, rate / budget.rate("optimizer race", _probe))


def race_slower(cfg) -> str | None:
    """The slower form a RaceConfig's schedule gives its optimizers, or None (the float loop)."""
    return slower_form(*cfg.schedule.for_lr(1.0), [r.optimizer for r in cfg.runs])


def seconds(steps: int, optimizers: int, rows: int = 1, slower: str | None = None) -> float:
    """Estimated seconds of that race on this server (`slower`: the form its schedule takes, see slowdown)."""
    return units(steps, optimizers, rows) * budget.rate("optimizer race", _probe) * slowdown(slower)


def most_rows(steps: int, optimizers: int, wanted: int, slower: str | None = None) -> int:
    """The most rows per optimizer (<= wanted, >= 1) whose race fits a page run (budget.RUN_S)."""
    rows = wanted
    while rows > 1 and not budget.fits_inline(seconds(steps, optimizers, rows, slower)):
        rows -= 1
    return rows


def most_steps(optimizers: int, rows: int, wanted: int, grain: int = 100, slower: str | None = None) -> int:
    """The most steps (a multiple of `grain`, <= wanted) whose race fits a page run."""
    per = seconds(grain, optimizers, rows, slower)
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
