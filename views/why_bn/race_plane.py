"""The race tab's loss planes, and the next notch of Steps prepared ahead.

A plane in the cache is drawn at once. Otherwise a coarse COARSE x COARSE grid is drawn in the page run and the
full grid follows from a background job (estimate, progress, Cancel), replacing it in place. A plane job stops as
soon as no session's latest run asks for it (a student ticking Steps leaves a queue of stale grids otherwise: the
pool has one worker, and jobs.py keeps an unwatched job for ABANDON_S).

``ahead``: after each run a short job prepares the notches of Steps beside this one (the next one first): their races
(trained on from the cached ones), coarse planes and figures, so a tick finds them cached; once it is done the Steps
fragment reruns and sends their figures ahead for the browser to draw the moment the thumb moves
(views.why_bn.nearby).
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict

import streamlit as st

from views.ui import budget, charts, jobs, server
from views.why_bn import data, figures
from views.why_bn import race_cost as cost
from views.why_bn.config import NETS, PlaneConfig, neighbours
from views.why_bn.race_claims import plane_claims

COARSE = 11  # the first grid: 7 % of the default 41 x 41 points
_LATEST: OrderedDict[str, str] = OrderedDict()  # session id -> the plane job its latest run asked for
_LOCK = threading.Lock()


def _key(cfg: PlaneConfig) -> str:
    return f"why_bn.plane:{cfg!r}"


def want(cfg: PlaneConfig) -> None:
    """This session now wants the plane of ``cfg`` (and no other): the job of its previous run, if still going,
    stops at its next chunk unless another session wants it. Called first thing in a run, so a tick's race does
    not share the machine with a grid nobody will see."""
    key = _key(cfg)
    with _LOCK:
        _LATEST[server.session_id()] = key
        _LATEST.move_to_end(server.session_id())
        while len(_LATEST) > 512:  # sessions long gone
            _LATEST.popitem(last=False)


def _wanted(key: str) -> bool:
    with _LOCK:
        return key in _LATEST.values()


def coarse(cfg: PlaneConfig) -> PlaneConfig:
    """The plane of ``cfg`` on the coarse grid."""
    return dataclasses.replace(cfg, grid=min(COARSE, cfg.grid))


def show(cfg: PlaneConfig, races: list, ahead: dict[str, charts.Ahead] | None = None) -> None:
    """Every net's plane with what it shows: the full grid from the cache, else the coarse grid now and the full one
    from a job; refused when even the job would be too long. ahead: by net, the figures of the Steps values beside
    this one (views.why_bn.nearby)."""
    norms, key = cfg.race.norms, _key(cfg)  # the page asked ``want(cfg)`` first thing in its run
    # The job's progress goes here, an empty slot when there is none: the planes keep their place in the page
    # either way, so a tick after the full grid came in updates them in place instead of remounting them.
    slot = st.container()
    if all(data.plane_cached(cfg, n) for n in norms):
        planes = [data.plane(cfg, n) for n in norms]
    else:
        promise = cost.job_promise(cost.plane_seconds(cfg))
        if not budget.fits(promise):
            st.warning(budget.refuse(promise, f"A {cfg.grid} × {cfg.grid} slice", "a smaller grid"),
                       icon=":material/timer_off:")
            return
        first = coarse(cfg)
        early = all(data.plane_cached(first, n) for n in norms) or budget.fits_inline(cost.plane_seconds(first))
        planes = [data.plane(first, n) for n in norms] if early else None

        def work(progress: jobs.Progress):
            out, k = [], len(norms)
            for i, n in enumerate(norms):
                def tick(f, i=i, n=n):
                    if not _wanted(key):
                        raise jobs.Cancelled(key)
                    progress.update((i + f) / k, f"{NETS[n]} net: {f:.0%} of {cfg.grid * cfg.grid} grid points")
                out.append(data.plane(cfg, n, tick))
            return out

        planes = watch(jobs.submit(key, work, estimate_s=promise, label="Loss slice"), slot) or planes
    if planes is None:
        return
    # Every element is sent on its own at each tick: one column needs no row, a chart goes straight into its column.
    cols = st.columns(len(planes)) if len(planes) > 1 else [st.container()]
    for col, plane, race, n in zip(cols, planes, races, norms, strict=True):
        col.markdown("\n\n".join(plane_claims(plane, race)))
        # Nobody clicks on it: a new grid or a tick updates it in place (the coarse grid becomes the full one)
        charts.live(figures.plane(cfg, n, plane, race), figures.plane_key(n), where=col, ahead=(ahead or {}).get(n))
    g = len(planes[0].xs)
    note = "" if g == cfg.grid else f" On a coarse {g} × {g} grid until the {cfg.grid} × {cfg.grid} one is in."
    st.caption(f"Loss: cross-entropy on the first {cfg.n_examples} training digits, in eval mode (batch norm with "
               f"its running statistics, as Li et al. evaluate). Light = low loss, log-scaled greys.{note}")


def watch(job: jobs.Job, where=None):
    """``jobs.show(job)`` in a container (``where``, else a new one): its progress fragment, nested in the tab's
    Steps fragment, would otherwise land after everything the tab draws (below the planes)."""
    with where if where is not None else st.container():
        return jobs.show(job)


def ahead(cfg: PlaneConfig) -> None:
    """Prepare the notches of Steps beside this one in a background job (yielding to page runs), the next one first:
    each one's races, trained on from the nearest cached shorter ones, its coarse planes and their figures; computed
    once for every student here. A notch is prepared when each piece would fit a page run (what a tick there would
    compute inline otherwise) and its coarse planes are not cached yet."""
    norms, todo, est = cfg.race.norms, [], 0.0
    for steps in neighbours(cfg.race.steps):
        nb = cfg.at(steps)
        if all(data.plane_cached(coarse(nb), n) for n in norms):
            continue
        trained = {n: s.steps for n in norms if (s := data.start(nb.race, n)) is not None}
        race_s = 0.0 if all(data.cached(nb.race, n) for n in norms) else cost.race_seconds(nb.race, trained)
        plane_s = cost.plane_seconds(coarse(nb))
        if budget.fits_inline(race_s) and budget.fits_inline(plane_s):  # else left to the student's own tick
            todo.append(nb)
            est += race_s + plane_s
    if not todo:
        return

    wanted, submitted = _key(cfg), []

    def work(progress: jobs.Progress) -> None:
        # Per notch the races first (a tick there needs them for its curves), then the planes. Yield to page runs
        # between pieces, never inside one: a tick that asks for this very race or plane waits for it in the cache,
        # and a job pausing for that tick would hold it up.
        k, done = 2 * len(norms) * len(todo), 0

        def piece(text: str) -> None:
            # No page polls this job: it goes on while a session's latest run shows cfg (jobs.py would drop it
            # ABANDON_S after its submission), and stops between pieces once none does (a tick moved on).
            if not _wanted(wanted):
                raise jobs.Cancelled(wanted)
            for j in submitted:
                j.touch("why_bn.ahead")
            progress.update(done / k, text)

        for nb in todo:
            races = []
            for n in norms:
                piece(f"{NETS[n]} net, {nb.race.steps} steps")
                races.append(data.race(nb.race, n))
                done += 1
            figures.curves(nb.race, races)
            for n, race in zip(norms, races, strict=True):
                piece(f"{NETS[n]} net, {nb.race.steps} steps: its coarse plane")
                figures.plane(nb, n, data.plane(coarse(nb), n), race)
                done += 1

    key = f"why_bn.ahead:{tuple(coarse(nb) for nb in todo)!r}"
    submitted.append(jobs.submit(key, work, estimate_s=est, label="Next steps"))
    # Its figures reach the browser with the next run of the Steps fragment. A student ticking every second or two
    # would tick before that: rerun the fragment the moment they are in, so the next tick is drawn at once.
    jobs.rerun_when_done(submitted[0])
