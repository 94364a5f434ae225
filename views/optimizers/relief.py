"""The 3D tab: the surface as a relief with every run's path on it."""

from __future__ import annotations

from views.optimizers.data import Landscape, Race
from views.optimizers.paths import outcome_line
from views.ui import charts
from viz.surface3d import surface3d


def show(land: Landscape, race: Race) -> None:
    """The relief, paths drawn at their losses."""
    titles = [r.title for r in race.runs]
    charts.chart(surface3d(land.xs, land.ys, land.z, {t: tr.points for t, tr in zip(titles, race.trajs, strict=True)},
                           {t: tr.losses for t, tr in zip(titles, race.trajs, strict=True)}), "surface3d")
    outcome_line(race, land.surface)
