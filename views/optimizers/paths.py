"""The Paths tab: every run on the contour (click it to start there), the loss curves, the trajectories as CSV."""

from __future__ import annotations

from functools import partial

import streamlit as st

from core.optim.export import trajectories_csv
from views.optimizers.config import RaceConfig
from views.optimizers.data import Landscape, Race
from views.ui import charts
from viz.contours import contour
from viz.losses import losses

CONTOUR = "contour"  # the contour chart's key: its point selection is the clicked start


def take_click() -> None:
    """A click on the contour (the previous run's selection) becomes the start point, before the inputs exist."""
    pts = (st.session_state.get(CONTOUR) or {}).get("selection", {}).get("points", [])
    if pts and pts != st.session_state.get("_pick_done"):
        st.session_state["_pick_done"] = pts
        st.session_state.update(x0=float(round(pts[0]["x"], 3)), y0=float(round(pts[0]["y"], 3)))


def show(cfg: RaceConfig, land: Landscape, race: Race) -> None:
    """Contour with the paths (and noise bundles), the losses against the floor, the CSV download."""
    titles = [r.title for r in race.runs]
    named = dict(zip(titles, race.trajs, strict=True))
    charts.cached_chart(CONTOUR, cfg, lambda: contour(land.xs, land.ys, land.z, {t: tr.points for t, tr in
                                                                                 named.items()},
                                                      land.surface.minima, cfg.start, bundle=race.bundle),
                        on_select="rerun", selection_mode="points", options={"scrollZoom": True})
    charts.cached_chart("losses", cfg, lambda: losses({t: tr.losses for t, tr in named.items()}, land.floor,
                                                      {t: tr.diverged_at for t, tr in named.items()}))
    st.download_button("Download trajectories (CSV)", partial(trajectories_csv, named),  # built on click only
                       file_name=f"normlab-{cfg.surface.name}.csv", mime="text/csv")
