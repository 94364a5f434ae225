"""What a batch's schedules set at each step, row by row: the lr table, cycled momenta, the ReduceLROnPlateau rows.

run_batch hands this to core.optim.engine.ScheduledStepper. A row takes its config's schedule at its own lr;
a cycling schedule (CyclicLR, OneCycleLR with cycle_momentum) sets the momentum of rows whose optimizer has one
and beta1 of the Adam family (core.optim.schedules.momentum_key), and leaves the others alone where torch would
refuse; a ReduceLROnPlateau row starts at its lr and is driven by its loss inside the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.optim.plateau import Plateau
from core.optim.registry import get
from core.optim.schedules import SCHEDULES, lrs, momenta, momentum_key, resolve


@dataclass
class Plan:
    """lrs (T, B) in row order; hypers name -> (T, B) for a cycled momentum or beta1; plateau rows and settings."""

    lrs: np.ndarray
    hypers: dict = field(default_factory=dict)
    plateau_rows: list = field(default_factory=list)
    plateau_settings: list = field(default_factory=list)

    @property
    def needs_arrays(self) -> bool:
        """Whether anything but the lr changes per step (core.optim.float_loop only sets lrs)."""
        return bool(self.hypers or self.plateau_rows)

    def plateau(self, value) -> tuple | None:
        """The engine's plateau argument: (rows, Plateau, value) or None."""
        if not self.plateau_rows:
            return None
        rows = np.array(self.plateau_rows, dtype=int)
        return rows, Plateau(self.lrs[0, rows], self.plateau_settings), value


def plan(schedule, batch, n_configs: int, per: int, steps: int) -> Plan | None:
    """The Plan of `schedule` ((name, params) or one per config) for batch's rows (per rows a config), or None when
    nothing changes during the run (the fast, unscheduled path)."""
    if schedule is None:
        return None
    specs = list(schedule) if isinstance(schedule, list) else [schedule] * n_configs
    if len(specs) != n_configs or not all(isinstance(s, tuple) and len(s) == 2 for s in specs):
        raise ValueError("schedule must be (name, params) or a list of one (name, params) per config.")
    B = len(batch.order)
    out = Plan(np.empty((steps, B)))
    seqs, moms, names = {}, {}, set()
    for r, i in enumerate(batch.order):  # resolve every spec first so a bad one is refused even when steps is 0
        name, params = specs[i // per]
        params = resolve(name, **dict(params))
        key, lr = (name, tuple(sorted(params.items()))), batch.hypers[i]["lr"]
        names.add(name)
        if SCHEDULES[name].feedback:
            out.lrs[:, r] = lr
            out.plateau_rows.append(r)
            out.plateau_settings.append(params)
            continue
        if (key, lr) not in seqs:
            seqs[key, lr] = lrs(name, lr, steps, **params)
        out.lrs[:, r] = seqs[key, lr]
        if key not in moms:
            moms[key] = momenta(name, steps, **params)
        which = momentum_key(batch.hypers[i])
        if moms[key] is not None and which is not None:
            if which not in out.hypers:  # every row starts at its own setting; cycled rows are overwritten
                out.hypers[which] = np.tile([[h.get(which, 0.0) for h in (batch.hypers[j] for j in batch.order)]],
                                            (steps, 1))
            out.hypers[which][:, r] = moms[key]
    return None if steps == 0 or names == {"constant"} else out


def slower_form(name: str, params: dict, optimizers) -> str | None:
    """Why a small race of `optimizers` (registry names) on schedule (name, params) leaves core.optim.float_loop for
    the batched form, as `plan` decides it: "loss" (the lr follows each run's loss), "momentum" (it cycles the
    momentum or beta1 of one of them), or None (the float loop, at most setting the lr)."""
    params = resolve(name, **params)
    if SCHEDULES[name].feedback:
        return "loss"
    cycles = SCHEDULES[name].momenta is not None and momenta(name, 1, **params) is not None
    return "momentum" if cycles and any(momentum_key(get(o).defaults) for o in optimizers) else None
