"""The Race tab: the race animated in the browser (on request) and as a GIF for slides (drawn on click)."""

from __future__ import annotations

from functools import partial

import streamlit as st

from views.optimizers.config import RaceConfig
from views.optimizers.data import Landscape, Race
from views.ui import charts, widgets
from viz.race import race as race_figure
from viz.race_gif import race_gif


def show(cfg: RaceConfig, land: Landscape, race: Race) -> None:
    """The animated race behind a toggle (~1 s of work) and the GIF download."""
    paths = {r.title: tr.points for r, tr in zip(race.runs, race.trajs, strict=True)}
    st.caption("The race plays in your browser: press ▶ Play, or drag the step slider to scrub.")
    if widgets.toggle("Build the animated race", False, key="race"):
        charts.chart(race_figure(land.xs, land.ys, land.z, paths, land.surface.minima, cfg.start), "race_animation")
    # Drawn only when clicked, on Streamlit's download thread, so the page rerun does not pay for it.
    st.download_button("Download the race as a GIF (for slides)", icon=":material/gif_box:",
                       data=partial(race_gif, land.xs, land.ys, land.z, paths, land.surface.minima, cfg.start),
                       file_name=f"normlab-race-{cfg.surface.name}.gif", mime="image/gif")
