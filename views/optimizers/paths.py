"""The Paths tab: every run on the contour (click it to start there) beside the loss curves and the results table,
so that a projector at 1280x720 shows all three at once; the trajectories and the table as CSV."""

from __future__ import annotations

from functools import partial

import streamlit as st

from core.optim.results import TOL, left_at, minimum_loss
from views.optimizers import data, downloads
from views.optimizers.config import RaceConfig
from views.optimizers.data import Landscape, Race
from views.ui import charts, frame
from viz.contours import contour
from viz.losses import losses

CONTOUR = "contour"  # the contour chart's key: its point selection is the clicked start
LOSSES = "losses"
# Heights that put the contour beside the loss curve and the table (7 rows) on one screen: the map fills its
# column, the curve and the table share the other; a projector's charts are capped at 480 px (viz.theme).
MAP_HEIGHT, LOSS_HEIGHT, ROW_HEIGHT, SHOWN_ROWS = 460, 230, 27, 8


def clicked() -> bool:
    """Whether the contour holds a click not yet taken (a click reruns only the Steps fragment, which holds the
    map; the start inputs are drawn by the page, so the fragment asks for a full run)."""
    point = charts.clicked(CONTOUR)
    return point is not None and point != st.session_state.get("_pick_done")


def take_click() -> None:
    """A click on the contour (a point of the faint pick grid or of a path) becomes the start point, before the
    inputs exist."""
    if clicked():
        point = st.session_state["_pick_done"] = charts.clicked(CONTOUR)
        st.session_state.update(x0=float(round(point["x"], 3)), y0=float(round(point["y"], 3)))


def _clicked() -> None:
    """on_click of the contour: nothing to do yet; the rerun it starts finds the point (`clicked`)."""


def _left(title: str, traj, surface) -> str:
    """How one run left the box, in the app's wording (an escape at the step it goes off the map, as the table)."""
    return f"{title}: escaped downhill at step {left_at(traj, surface)}" if traj.escaped else frame.diverged(
        title, traj.diverged_at)


def left_the_box(race: Race, surface) -> str | None:
    """One line naming every run that left the plotted box: escaped downhill, or diverged (None if none did)."""
    gone = [(r.title, t) for r, t in zip(race.runs, race.trajs, strict=True) if t.diverged_at is not None]
    if not gone:
        return None
    kinds = {True: "escaped: went downhill, below every loss in the box", False: "diverged: overflowed or flew off"}
    why = [text for kind, text in kinds.items() if any(t.escaped == kind for _, t in gone)]
    return "Left the box — " + "; ".join(_left(title, t, surface) for title, t in gone) + f" ({'; '.join(why)})."


def outcome_line(race: Race, surface) -> None:
    """left_the_box as one caption under the chart (above it, each warning pushed the map down a line)."""
    line = left_the_box(race, surface)
    if line:
        st.caption(line)


def tol_header(tol: float) -> str:
    """The steps-to-tolerance column's header, naming the tolerance."""
    return f"steps to {tol:g}"


def reached(row: dict, minimum: bool) -> str:
    """The steps column's cell: the step the run got within tol ("—" if never), and how it left the box if it did."""
    steps = "" if not minimum else "—" if row["steps_to_tol"] is None else str(row["steps_to_tol"])
    if not row["left"]:
        return steps
    left = f"{row['left']} at step {row['left_at']}"
    return f"{steps}, then {left}" if steps not in ("", "—") else left


def shown_rows(rows: list[dict], tol: float, minimum: bool) -> list[dict]:
    """core.optim.results rows as the page's table: short headers, how a run left the box in the app's words,
    the noise paths' summary when there is one; the distance and steps only where the surface has a minimum."""
    out = []
    for r in rows:
        # What a race is about first (the final loss, when it got there), the final point after: in a narrow
        # column the table scrolls sideways and the first columns are the ones read.
        row = {"optimizer": r["optimizer"], "f": r["final_loss"], tol_header(tol): reached(r, minimum)}
        if minimum:
            row["to min"] = r["distance_to_minimum"]
        row |= {"x": r["final_x"], "y": r["final_y"]}
        if "paths" in r:
            n = r["paths"]
            if minimum:
                row |= {"paths reaching tol": f"{r['paths_reached_tol']}/{n}",
                        "median steps (paths)": r["paths_median_steps_to_tol"]}
            row |= {"median final f (paths)": r["paths_median_final_loss"], "paths that left": f"{r['paths_left']}/{n}"}
        out.append(row)
    return out


def results(land: Landscape, race: Race) -> None:
    """The results table (core.optim.results at TOL) and a sentence defining its columns."""
    rows = data.results(land, race)
    minimum = len(land.surface.minima) > 0
    number = st.column_config.NumberColumn
    fmt = {"optimizer": st.column_config.TextColumn(width=84, pinned=True),
           tol_header(TOL): st.column_config.TextColumn(alignment="right", width=118, help=(
               f"first step with f − f* ≤ {TOL:g}; a run that left the box: diverged (overflowed or flew off) or "
               "escaped (downhill, below every loss in the box), at that step"))}
    fmt |= {k: number(format="%.3g", width=48) for k in ("x", "y")}
    fmt |= {"f": number(format="%.2e", width=64, help="final loss"),
            "to min": number(format="%.3g", width=56, help="distance from the final point to the nearest minimum"),
            "median final f (paths)": number(format="%.2e")}
    charts.table(shown_rows(rows, TOL, minimum), column_config=fmt, row_height=ROW_HEIGHT, placeholder="—",
                 height=ROW_HEIGHT * min(len(rows) + 1, SHOWN_ROWS) + 3)
    where = (f"f* = {minimum_loss(land.surface):.3g}, the loss at the known minimum" if minimum else
             "this surface has no known minimum, so no distance or steps to it")
    paths = " Noise: the row is path 0; the paths columns sum up all its paths." if race.spread else ""
    st.caption(f"f: the final loss; steps: the first step with f − f* ≤ {TOL:g}; to min: the final point's distance to "
               f"the nearest known minimum ({where}); x, y: the final point.{paths}")


def show(cfg: RaceConfig, land: Landscape, race: Race, nearby: list[RaceConfig] = ()) -> None:
    """Contour with the paths (and noise bundles) beside the losses against the floor and the results table; the
    two CSV downloads. nearby: the races of the Steps values next to this one, for the browser to draw ahead."""
    plane, side = st.columns([3, 2], gap="small")
    with plane:
        # Updated in place: a Steps tick redraws the paths over the same map, never a fresh chart.
        charts.cached_chart(CONTOUR, cfg, partial(_map, cfg, land, race), in_place=True, on_click=_clicked,
                            options={"scrollZoom": True}, ahead=ahead(CONTOUR, _map, land, nearby, cfg.steps))
        outcome_line(race, land.surface)
    with side:
        # No legend on the curves: beside the contour, whose legend names the same colours, they get the width.
        charts.cached_chart(LOSSES, cfg, partial(_losses, cfg, land, race), in_place=True,
                            ahead=ahead(LOSSES, _losses, land, nearby, cfg.steps))
        results(land, race)
        # Built on click, from the config alone (views.optimizers.downloads says why).
        st.download_button("Download trajectories (CSV)", partial(downloads.trajectories, cfg),
                           file_name=f"normlab-{cfg.surface.name}.csv", mime="text/csv")
        st.download_button("Download results table (CSV)", partial(downloads.results, cfg),
                           file_name=f"normlab-{cfg.surface.name}-results.csv", mime="text/csv")


def ahead(key: str, build, land: Landscape, nearby: list[RaceConfig], at: int) -> charts.Ahead:
    """What chart ``key`` (drawn by ``build(cfg, land, race)``) shows at the Steps values a tick reaches next
    (views.optimizers.nearby): cached like the chart itself, so the next tick's own chart is already built."""
    return charts.Ahead("steps", at, {c.steps: charts.cached_spec(key, c, partial(build, c, land, data.race(c)))
                                      for c in nearby})


def _losses(cfg: RaceConfig, land: Landscape, race: Race):
    """The loss gap of every run, its legend left to the map beside it (the curves get the width)."""
    named = dict(zip([r.title for r in race.runs], race.trajs, strict=True))
    return losses({t: tr.losses for t, tr in named.items()}, land.floor, {t: tr.diverged_at for t, tr in named.items()},
                  height=LOSS_HEIGHT, escaped={t for t, tr in named.items() if tr.escaped}, legend=False)


def _map(cfg: RaceConfig, land: Landscape, race: Race):
    """The contour with every path, its legend under the map: in half the tab's width, a legend beside the map
    took a third of the width from it."""
    paths = {r.title: t.points for r, t in zip(race.runs, race.trajs, strict=True)}
    return contour(land.xs, land.ys, land.z, paths, land.surface.minima, cfg.start, bundle=race.bundle,
                   picture=land.picture, height=MAP_HEIGHT, legend="below")
