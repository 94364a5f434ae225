"""The Race tab: the race animated in the browser (on request) and as a GIF for slides (drawn on click)."""

from __future__ import annotations

from functools import partial

import streamlit as st

from views.optimizers import data, downloads
from views.optimizers.config import RaceConfig
from views.optimizers.data import Landscape, Race
from views.optimizers.paths import outcome_line
from views.ui import cache, charts, widgets
from viz.race import race as race_figure
from viz.theme import plain

RACE = "race_animation"  # one key for every race: the browser updates the chart in place


def _paths(race: Race) -> dict:
    """Title -> points (T+1, 2) of every run (noise path 0)."""
    return {r.title: tr.points for r, tr in zip(race.runs, race.trajs, strict=True)}


# The figure with its frames (~0.1-2 MB of JSON), made once for every session that opens this race.
@cache.shared("optimizers.race_figure", max_mb=16)
def figure(cfg: RaceConfig) -> dict:
    """The animated race of cfg as the plain spec the browser gets (viz.race, arrays packed)."""
    land, race = data.landscape(cfg.surface), data.race(cfg)
    return plain(race_figure(land.xs, land.ys, land.z, _paths(race), land.surface.minima, cfg.start,
                             picture=land.picture))


def show(cfg: RaceConfig, land: Landscape, race: Race) -> None:
    """The animated race behind a toggle and the GIF download.

    The figure carries every frame (one round trip); Play, Pause and the step slider then run in the browser.
    """
    st.caption("The race plays in your browser: press ▶ Play, or drag the step slider to scrub.")
    if widgets.toggle("Build the animated race", False, key="race"):
        charts.chart(figure(cfg), RACE)
        outcome_line(race, land.surface)
    # Drawn only when clicked, on Streamlit's download thread, from the config alone (views.optimizers.downloads).
    st.download_button("Download the race as a GIF (for slides)", icon=":material/gif_box:",
                       data=partial(downloads.gif, cfg),
                       file_name=f"normlab-race-{cfg.surface.name}.gif", mime="image/gif")
