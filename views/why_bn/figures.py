"""The race tab's live charts as the plain specs they send: one builder per chart, shared by a page run, the figures
it sends ahead for the next Steps values (views.why_bn.nearby) and the job that prepares those values, so a spec sent
ahead is, to the byte, the one a run there sends (and the run there finds it cached)."""

from __future__ import annotations

import dataclasses

from views.ui import charts
from views.why_bn.config import NETS, PlaneConfig, RaceConfig
from viz.real_race import curves_figure, plane_figure

CURVES = "rr_curves"  # the curves chart's key


def plane_key(norm: str) -> str:
    """The key of the ``norm`` net's plane chart."""
    return f"rr_plane_{NETS[norm]}"


def named(cfg: RaceConfig, races) -> dict:
    """Every net's race under the net's name, in the config's order."""
    return dict(zip([NETS[n] for n in cfg.norms], races, strict=True))


def curves(cfg: RaceConfig, races) -> dict:
    """The loss and accuracy curves of every net's race (cached under the race's config, which determines them)."""
    return charts.cached_spec(CURVES, cfg, lambda: curves_figure(named(cfg, races)))


def plane(cfg: PlaneConfig, norm: str, grid, race) -> dict:
    """The paths of the ``norm`` net's race over its plane ``grid`` (the full grid or the coarse one: cached under the
    grid it has), titled by the net when the race has two."""
    shown = dataclasses.replace(cfg, grid=len(grid.xs))
    title = NETS[norm] if len(cfg.race.norms) > 1 else ""
    return charts.cached_spec(plane_key(norm), (shown, norm), lambda: plane_figure(grid, race, title))
