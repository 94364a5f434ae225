"""Cached computations of the race tab, shared by every session: the race per net, the plane per net.

A race of more steps goes on from the longest cached shorter race of the same settings (``core.race_resume``: the
result is the race from scratch, bit for bit), so a tick of the Steps slider trains only the new steps.
"""

from __future__ import annotations

import dataclasses

from core.real_race import RealRace, race_real
from core.trajectory_plane import Plane, trajectory_plane
from views.ui import cache
from views.why_bn.config import STEP_GRID, PlaneConfig, RaceConfig


def _by_args(args: tuple, kw: dict) -> str:
    return repr(args[:2])  # the progress callback is not part of what is computed


# A race keeps its recorded weights for the plane (at most 22 x rules x P float32, ~2.4 MB per rule of the MLP)
# and its training state (weights and optimizer moments, ~0.3 MB per rule).
@cache.shared("why_bn.race", max_mb=64, key=_by_args)
def race(cfg: RaceConfig, norm: str, progress=None) -> RealRace:
    """The race of ``cfg``'s rules on the ``norm`` net (``progress(fraction)`` while it trains), resumed from the
    longest cached shorter one."""
    return race_real(cfg.rules, cfg.lrs, arch=cfg.arch, norm=norm, steps=cfg.steps, batch_size=cfg.batch_size,
                     seed=cfg.seed, record_every=cfg.record_every, eval_every=cfg.eval_every, progress=progress,
                     resume=start(cfg, norm))


def start(cfg: RaceConfig, norm: str) -> RealRace | None:
    """The longest cached race of ``cfg``'s settings with fewer steps (None if there is none): where a race of
    ``cfg`` starts. Every cached race of fewer steps has a finer record and evaluation schedule (config.py)."""
    for steps in range((cfg.steps - 1) // STEP_GRID * STEP_GRID, 0, -STEP_GRID):
        hit = cache.peek(race, _by_args((dataclasses.replace(cfg, steps=steps), norm), {}))
        if hit is not None and hit.state is not None:
            return hit
    return None


def cached(cfg: RaceConfig, norm: str) -> bool:
    """Whether the race of ``cfg`` on the ``norm`` net is in the cache (no LRU touch)."""
    return peek(cfg, norm) is not None


def peek(cfg: RaceConfig, norm: str) -> RealRace | None:
    """The cached race of ``cfg`` on the ``norm`` net, or None: never trained here (no LRU touch)."""
    return cache.peek(race, _by_args((cfg, norm), {}))


@cache.shared("why_bn.plane", max_mb=16, key=_by_args)  # a 41 x 41 grid and a few short paths: ~20 kB
def plane(cfg: PlaneConfig, norm: str, progress=None) -> Plane:
    """The plane of ``cfg`` under the race on the ``norm`` net, with every path projected on it."""
    return trajectory_plane(race(cfg.race, norm), kind=cfg.kind, grid=cfg.grid, n_examples=cfg.n_examples,
                            seed=cfg.race.seed, progress=progress)


def plane_cached(cfg: PlaneConfig, norm: str) -> bool:
    """Whether the plane of ``cfg`` on the ``norm`` net is in the cache (no LRU touch)."""
    return peek_plane(cfg, norm) is not None


def peek_plane(cfg: PlaneConfig, norm: str) -> Plane | None:
    """The cached plane of ``cfg`` on the ``norm`` net, or None: never computed here (no LRU touch)."""
    return cache.peek(plane, _by_args((cfg, norm), {}))
