"""What the race and its planes cost before they run: per-step and per-grid-point seconds measured on this server.

Each rate is timed once per process in CPU seconds of the calling thread (best of two tiny runs of the real
code: ``race_real`` for a few steps, ``loss_slice`` for one chunk), so an estimate follows this machine and the
chosen rules; a job's promise scales it by how busy the machine is now (views.ui.experiment.busy).
"""

from __future__ import annotations

import threading
import time

import numpy as np
import torch

from core.loss_slice import CHUNK, filter_normalized_direction, loss_slice
from core.networks import build
from core.real_race import net_spec, race_real
from views.ui import budget
from views.ui.experiment import busy, promise
from views.why_bn.config import STEP_GRID, PlaneConfig, RaceConfig

PROBE_STEPS = (10, 30)  # two probe races: their difference is the training alone, the shorter one adds the set-up
_RATES: dict[tuple, float] = {}
_LOCK = threading.Lock()


def _best(key: tuple, run, units: float) -> float:
    with _LOCK:
        if key in _RATES:
            return _RATES[key]
    best = float("inf")
    for _ in range(2):
        t0 = time.thread_time()
        run()
        best = min(best, (time.thread_time() - t0) / units)
    with _LOCK:
        return _RATES.setdefault(key, best)


def _probe(cfg: RaceConfig, norm: str, steps: int) -> float:
    def run():
        race_real(cfg.rules, cfg.lrs, arch=cfg.arch, norm=norm, steps=steps, batch_size=cfg.batch_size,
                  record_every=steps, eval_every=steps)
    return _best(("race", cfg.arch, norm, cfg.rules, cfg.batch_size, steps), run, 1.0)


def step_seconds(cfg: RaceConfig, norm: str) -> tuple[float, float]:
    """(seconds of one lockstep update of every rule of ``cfg`` on the ``norm`` net, seconds of the set-up and one
    evaluation): both probes evaluate twice, so their difference is training only."""
    short, long = (_probe(cfg, norm, s) for s in PROBE_STEPS)
    per = max(long - short, 0.0) / (PROBE_STEPS[1] - PROBE_STEPS[0])
    return per, max(short - per * PROBE_STEPS[0], 0.0)


def race_seconds(cfg: RaceConfig, trained: dict[str, int] | None = None) -> float:
    """Seconds of the whole race (every net) on a free core: set-up, training, one evaluation every
    ``eval_every`` steps (the set-up and two evaluations are charged as one evaluation each, on the safe side).
    ``trained``: per net, the steps of the cached race it goes on from (views.why_bn.data.start); only the
    steps after them are trained and evaluated."""
    total = 0.0
    for n in cfg.norms:
        per, fixed = step_seconds(cfg, n)
        new = cfg.steps - (trained or {}).get(n, 0)
        total += fixed * (1 + new / cfg.eval_every / 3) + per * new
    return total


def point_seconds(arch: str, norm: str, n_examples: int) -> float:
    """Seconds of the loss at one grid point on ``n_examples`` rows."""
    def run():
        net = build(net_spec(arch, norm), 0)
        d = filter_normalized_direction(net, torch.Generator().manual_seed(0))
        x, y = torch.rand(n_examples, 64), torch.zeros(n_examples, dtype=torch.long)
        loss_slice(net, (d, d), x, y, np.zeros(CHUNK), np.zeros(1))
    return _best(("slice", arch, norm, n_examples), run, CHUNK)  # the net's set-up is charged too: safe side


def plane_seconds(cfg: PlaneConfig) -> float:
    """Seconds of every net's grid on a free core."""
    return sum(point_seconds(cfg.race.arch, n, cfg.n_examples) for n in cfg.race.norms) * cfg.grid ** 2


def job_promise(seconds: float) -> float:
    """The whole seconds a job promises for an estimate on a free core, at the machine's current load."""
    return promise(seconds * busy())


def steps_that_fit(cfg: RaceConfig) -> int:
    """The most steps (a multiple of STEP_GRID, 0 if none) whose race a job may run."""
    per = sum(step_seconds(cfg, n)[0] for n in cfg.norms) * busy()
    return int((budget.JOB_S - 1.0) / 1.5 / max(per, 1e-9)) // STEP_GRID * STEP_GRID
