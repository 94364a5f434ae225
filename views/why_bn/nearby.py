"""The Steps values a tick reaches next, drawn ahead: the curves and the planes carry the figures a run at steps - 50
and + 50 sends (views.ui.charts.Ahead), so the browser shows them the moment the thumb moves, before the round trip.

Only what is already computed is sent: a notch's races from the cache, its plane at the grid a run there shows first
(the full grid when cached, else the coarse one when cached). Nothing is trained or sliced in the page run: the job
that prepares the notches beside this one (race_plane.ahead) fills the cache, and the rerun of the Steps fragment it
asks for once it is done (views.ui.jobs.rerun_when_done) carries them. A figure not yet built is built here once and
cached for the run there.
"""

from __future__ import annotations

from dataclasses import dataclass

from views.ui import budget, charts
from views.why_bn import data, figures
from views.why_bn import race_cost as cost
from views.why_bn.config import PlaneConfig, neighbours
from views.why_bn.race_plane import coarse

SLIDER = "rr_steps"  # the Steps slider's widget key (race._steps)


@dataclass(frozen=True)
class Notch:
    """A Steps value beside the one on screen, as a run there would draw it."""

    cfg: PlaneConfig
    races: tuple  # every net's race (all cached)
    planes: tuple | None  # every net's plane at the grid a run there shows first; None: not computed yet


def ready(cfg: PlaneConfig) -> list[Notch]:
    """The notches beside ``cfg`` whose races are all cached (their planes when cached too)."""
    out = []
    for steps in neighbours(cfg.race.steps):
        nb = cfg.at(steps)
        races = tuple(data.peek(nb.race, n) for n in nb.race.norms)
        if all(r is not None for r in races):
            out.append(Notch(nb, races, _planes(nb)))
    return out


def _planes(cfg: PlaneConfig) -> tuple | None:
    """Every net's plane as race_plane.show draws it first: the full grid when cached, else (when a job may compute
    the full one) the coarse grid when cached; None when a run there would compute or refuse it."""
    norms = cfg.race.norms
    full = tuple(data.peek_plane(cfg, n) for n in norms)
    if all(p is not None for p in full):
        return full
    if not budget.fits(cost.job_promise(cost.plane_seconds(cfg))):
        return None
    first = tuple(data.peek_plane(coarse(cfg), n) for n in norms)
    return first if all(p is not None for p in first) else None


def curves(cfg: PlaneConfig, near: list[Notch]) -> charts.Ahead:
    """The curves chart's figures at the notches beside ``cfg``."""
    return charts.Ahead(SLIDER, cfg.race.steps, {n.cfg.race.steps: figures.curves(n.cfg.race, n.races) for n in near})


def planes(cfg: PlaneConfig, near: list[Notch]) -> dict[str, charts.Ahead]:
    """Each net's plane chart's figures at the notches beside ``cfg`` whose planes are computed, by net."""
    return {norm: charts.Ahead(SLIDER, cfg.race.steps, {
        n.cfg.race.steps: figures.plane(n.cfg, norm, n.planes[i], n.races[i]) for n in near if n.planes is not None})
        for i, norm in enumerate(cfg.race.norms)}
