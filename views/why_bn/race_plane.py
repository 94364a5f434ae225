"""The race tab's loss planes, and the next notch of Steps prepared ahead.

A plane in the cache is drawn at once. Otherwise a coarse COARSE x COARSE grid is drawn in the page run and the
full grid follows from a background job (estimate, progress, Cancel), replacing it in place. A plane job stops as
soon as no session's latest run asks for it (a student ticking Steps leaves a queue of stale grids otherwise: the
pool has one worker, and jobs.py keeps an unwatched job for ABANDON_S).

``ahead``: after each run a short job trains the race of the next notch of Steps from the cached one and draws its
coarse plane, so the next tick finds both cached and answers with what it has.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict

import streamlit as st

from views.ui import budget, charts, jobs, server
from views.why_bn import data
from views.why_bn import race_cost as cost
from views.why_bn.config import NETS, STEP_GRID, STEPS_MAX, PlaneConfig
from views.why_bn.race_claims import plane_claims
from viz.real_race import plane_figure

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


def show(cfg: PlaneConfig, races: list) -> None:
    """Every net's plane with what it shows: the full grid from the cache, else the coarse grid now and the full one
    from a job; refused when even the job would be too long."""
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
        title = NETS[n] if len(planes) > 1 else ""
        col.markdown("\n\n".join(plane_claims(plane, race)))
        # Nobody clicks on it: a new grid or a tick updates it in place (the coarse grid becomes the full one)
        shown = dataclasses.replace(cfg, grid=len(plane.xs))
        charts.cached_chart(f"rr_plane_{NETS[n]}", (shown, n), lambda p=plane, r=race, t=title: plane_figure(
            p, r, t), in_place=True, where=col)
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
    """Prepare the next notch of Steps in a background job (yielding to page runs): its race, trained on from this
    one (50 steps, a fraction of a tick's budget), and its coarse plane; computed once for every student here."""
    nxt = dataclasses.replace(cfg, race=dataclasses.replace(cfg.race, steps=cfg.race.steps + STEP_GRID))
    first = coarse(nxt)
    norms = nxt.race.norms
    if nxt.race.steps > STEPS_MAX or all(data.plane_cached(first, n) for n in norms):
        return
    est = cost.race_seconds(nxt.race, {n: cfg.race.steps for n in norms}) + cost.plane_seconds(first)
    if not budget.fits_inline(est):  # not a small step ahead: left to the student's own tick
        return

    def work(progress: jobs.Progress) -> None:
        # The races first (the next tick's curves need them), then the planes. Yield to page runs between pieces,
        # never inside one: a tick that asks for this very race or plane waits for it in the cache, and a job
        # pausing for that tick would hold it up.
        pieces = [(data.race, nxt.race, n) for n in norms] + [(data.plane, first, n) for n in norms]
        for i, (fn, c, n) in enumerate(pieces):
            progress.update(i / len(pieces), f"{NETS[n]} net")
            fn(c, n)

    jobs.submit(f"why_bn.ahead:{first!r}", work, estimate_s=est, label="Next steps")
