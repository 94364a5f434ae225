"""The optimizer page's downloads, built on click from the race's config alone: trajectories, results, the GIF.

Streamlit keeps a download button's callable, and everything it holds, until the session is shut down
(views/ui/reaper.py). A callable holding the race itself kept one race per distinct link (~40 MB at 13 optimizers
x 5000 steps x 16 noisy paths); one holding the config keeps a few hundred bytes and fetches the race from the
shared cache when it is clicked, or runs it again in its turn like a page run (it was evicted meanwhile).
"""

from __future__ import annotations

from core.optim.export import results_csv, trajectories_csv
from views.optimizers import data
from views.optimizers.config import RaceConfig
from views.optimizers.data import Race
from views.ui import server
from viz.race_gif import race_gif


def _race(cfg: RaceConfig) -> Race:
    """The race of cfg: cached, or run again holding a run slot (a click must not share the core with the class)."""
    with server.run_slot("download"):  # Streamlit's download thread has no session of its own
        return data.race(cfg)


def trajectories(cfg: RaceConfig) -> str:
    """CSV of every run's path (core.optim.export.trajectories_csv), one row per optimizer and step."""
    race = _race(cfg)
    return trajectories_csv({r.title: t for r, t in zip(race.runs, race.trajs, strict=True)})


def results(cfg: RaceConfig) -> str:
    """CSV of the results table the Paths tab shows (views.optimizers.data.results)."""
    return results_csv(data.results(data.landscape(cfg.surface), _race(cfg)))


def gif(cfg: RaceConfig) -> bytes:
    """The race as GIF bytes for slides (viz.race_gif): the map and every run's path (noise path 0)."""
    land, race = data.landscape(cfg.surface), _race(cfg)
    paths = {r.title: t.points for r, t in zip(race.runs, race.trajs, strict=True)}
    return race_gif(land.xs, land.ys, land.z, paths, land.surface.minima, cfg.start)
