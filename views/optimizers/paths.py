"""The Paths tab: every run on the contour (click it to start there), the loss curves, the trajectories as CSV."""

from __future__ import annotations

from functools import partial

import streamlit as st

from core.optim.export import trajectories_csv
from views.optimizers.config import RaceConfig
from views.optimizers.data import Landscape, Race
from views.ui import charts, frame
from viz.contours import contour
from viz.losses import losses

CONTOUR = "contour"  # the contour chart's key: its point selection is the clicked start


def take_click() -> None:
    """A click on the contour (the previous run's selection) becomes the start point, before the inputs exist."""
    pts = (st.session_state.get(CONTOUR) or {}).get("selection", {}).get("points", [])
    if pts and pts != st.session_state.get("_pick_done"):
        st.session_state["_pick_done"] = pts
        st.session_state.update(x0=float(round(pts[0]["x"], 3)), y0=float(round(pts[0]["y"], 3)))


def _left(title: str, traj) -> str:
    """How one run left the box, in the app's wording."""
    return f"{title}: escaped downhill at step {traj.diverged_at}" if traj.escaped else frame.diverged(
        title, traj.diverged_at)


def left_the_box(race: Race) -> str | None:
    """One line naming every run that left the plotted box: escaped downhill, or diverged (None if none did)."""
    gone = [(r.title, t) for r, t in zip(race.runs, race.trajs, strict=True) if t.diverged_at is not None]
    if not gone:
        return None
    kinds = {True: "escaped: went downhill, below every loss in the box", False: "diverged: overflowed or flew off"}
    why = [text for kind, text in kinds.items() if any(t.escaped == kind for _, t in gone)]
    return "Left the box — " + "; ".join(_left(title, t) for title, t in gone) + f" ({'; '.join(why)})."


def outcome_line(race: Race) -> None:
    """left_the_box as one caption under the chart (above it, each warning pushed the map down a line)."""
    line = left_the_box(race)
    if line:
        st.caption(line)


def show(cfg: RaceConfig, land: Landscape, race: Race) -> None:
    """Contour with the paths (and noise bundles), the losses against the floor, the CSV download."""
    titles = [r.title for r in race.runs]
    named = dict(zip(titles, race.trajs, strict=True))
    charts.cached_chart(CONTOUR, cfg, lambda: contour(land.xs, land.ys, land.z, {t: tr.points for t, tr in
                                                                                 named.items()},
                                                      land.surface.minima, cfg.start, bundle=race.bundle,
                                                      picture=land.picture),
                        on_select="rerun", selection_mode="points", options={"scrollZoom": True})
    outcome_line(race)
    charts.cached_chart("losses", cfg, lambda: losses({t: tr.losses for t, tr in named.items()}, land.floor,
                                                      {t: tr.diverged_at for t, tr in named.items()},
                                                      escaped={t for t, tr in named.items() if tr.escaped}))
    st.download_button("Download trajectories (CSV)", partial(trajectories_csv, named),  # built on click only
                       file_name=f"normlab-{cfg.surface.name}.csv", mime="text/csv")
