"""The races a Steps tick reaches next: the configs of the values beside the slider's, drawn ahead in the browser
(views.ui.charts.ahead) when the budget caps neither them nor the race on screen."""

from __future__ import annotations

from dataclasses import replace

from core.optim.presets import LR_GRID
from views.optimizers import cost
from views.optimizers.config import RaceConfig
from views.optimizers.controls import LONGEST
from views.ui import budget

AHEAD_S = 0.1  # the most a neighbour's race may cost (estimated): both are computed inside the page run


def steps(cfg: RaceConfig, wanted: int, asked_paths: int, asked_mode: str) -> list[RaceConfig]:
    """``cfg`` at Steps ``wanted`` - 1 and + 1 (within the slider's range), or nothing when a budget changed what
    was asked (steps, noise paths, the fair race's sweep) or could at a neighbour, or the schedule is not constant
    (a schedule's preview and refusals follow Steps)."""
    n, slower = len(cfg.runs), None  # a constant schedule: no slower form
    rows = max(cfg.noise.paths if cfg.noise.sigma else 1, 1)

    def uncapped(x: int) -> bool:
        return (cost.most_steps(n, 1, x, slower=slower) == x
                and (not cfg.noise.sigma or cost.most_rows(x, n, asked_paths, slower=slower) == asked_paths)
                and (asked_mode != "best" or budget.fits_inline(cost.seconds(x, n, len(LR_GRID) + 1)))
                and cost.seconds(x, n, rows, slower=slower) <= AHEAD_S)

    if (cfg.steps != wanted or cfg.lr_mode != asked_mode or cfg.schedule.name != "constant"
            or (cfg.noise.sigma and cfg.noise.paths != asked_paths) or not uncapped(wanted)):
        return []
    return [replace(cfg, steps=x) for x in (wanted - 1, wanted + 1) if 10 <= x <= LONGEST and uncapped(x)]
