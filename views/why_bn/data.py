"""Cached computations of the race tab, shared by every session: the race per net, the plane per net."""

from __future__ import annotations

from core.real_race import RealRace, race_real
from core.trajectory_plane import Plane, trajectory_plane
from views.ui import cache
from views.why_bn.config import PlaneConfig, RaceConfig


def _by_args(args: tuple, kw: dict) -> str:
    return repr(args)  # the progress callback is not part of what is computed


# A race keeps its recorded weights for the plane: (21, rules, P) float32, ~2.2 MB per rule of the MLP.
@cache.shared("why_bn.race", max_mb=64, key=_by_args)
def race(cfg: RaceConfig, norm: str, progress=None) -> RealRace:
    """The race of ``cfg``'s rules on the ``norm`` net (``progress(fraction)`` while it trains)."""
    return race_real(cfg.rules, cfg.lrs, arch=cfg.arch, norm=norm, steps=cfg.steps, batch_size=cfg.batch_size,
                     seed=cfg.seed, record_every=cfg.record_every, eval_every=cfg.eval_every, progress=progress)


@cache.shared("why_bn.plane", max_mb=16, key=_by_args)  # a 41 x 41 grid and a few short paths: ~20 kB
def plane(cfg: PlaneConfig, norm: str, progress=None) -> Plane:
    """The plane of ``cfg`` under the race on the ``norm`` net, with every path projected on it."""
    return trajectory_plane(race(cfg.race, norm), kind=cfg.kind, grid=cfg.grid, n_examples=cfg.n_examples,
                            seed=cfg.race.seed, progress=progress)
