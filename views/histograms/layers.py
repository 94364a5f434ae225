"""The top of the live view: the view radios and the per-layer histogram chart with its step line, sent as a reel
(``charts.reel``) of the frames a tick brings, which the browser plays in place while the view plays."""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext

import streamlit as st

from views.histograms import controls, shared
from views.histograms.config import LayerView
from views.ui import charts
from viz.hist_overlay import overlay_histograms, step_overlay
from viz.histograms import pair_histograms

GRID_COLUMNS = 5


def _figure(snap, snaps, view: LayerView, names):
    if view.every:
        depth = len(snap.plain.layers)
        return overlay_histograms(snap, view.kind, names, range(depth), cols=min(GRID_COLUMNS, depth))
    if view.layout == "nets":
        return overlay_histograms(snap, view.kind, names)
    if view.layout == "steps":
        return step_overlay(snaps, view.kind, names)
    return pair_histograms(snap, view.kind, names)


def view_controls(where=None) -> LayerView:
    """The statistic radio, the all-layers toggle and the layout radio in one row (page run), drawn in ``where`` (a
    popover in presentation mode) or in place. One wrapping row is one element to send and render on each rerun;
    two columns were three."""
    with where if where is not None else nullcontext():
        row = st.container(horizontal=True, vertical_alignment="bottom")
        return controls.layer_view(row, row)


def reel_frame(trainer, step: int, view: LayerView, names) -> tuple[int, dict, str]:
    """One frame of the reel: its step, the figure (built once for every session on that frame and view) and the
    "Step N · test accuracy" line above it."""
    snaps = trainer.frames(step)
    snap = snaps[-1]
    key = (trainer.key, snap.step, view, names)
    line = (f"**Step {snap.step}** · test accuracy {snap.plain.test_accuracy:.1%} (no norm) vs "
            f"{snap.normed.test_accuracy:.1%} ({names[1].lower()})")
    return snap.step, shared.figure("layers", key, lambda: _figure(snap, snaps, view, names)), line


def status(trainer, steps: list[int], names, view: LayerView, every_ms: int, near: charts.Ahead | None = None) -> str:
    """The histogram figure ``view`` asks for, with its step line, at the recorded ``steps`` of ``trainer``: played
    by the browser one every ``every_ms`` ms (0: the last one, at once); ``near``: the neighbouring depths' first
    frames (views.histograms.ahead). Returns the reel's name (the frames' ids are their steps)."""
    frames = [reel_frame(trainer, step, view, names) for step in steps]
    reel = hashlib.sha1(repr((trainer.key, view, names)).encode()).hexdigest()[:16]
    charts.reel(frames, "hist_layers", every_ms=every_ms, name=reel, ahead=near)
    if view.every or view.layout == "nets":
        st.caption("On one axis the heights are densities (share per unit of value): each net keeps its own bins.")
    return reel


# One thread builds the figures of the frames the next tick will send, off the page run: a tick's run then only reads
# them from the shared cache (building five frames of a deep net inline made a run long enough for Streamlit to grey
# the chart while it waited). The cache makes this the same work, done once for every viewer, only earlier.
_BUILDER = ThreadPoolExecutor(1, thread_name_prefix="hist-frames")
_QUEUED: set = set()  # (trainer key, step, view, names) waiting in the builder
_LOCK = threading.Lock()


def prefetch(trainer, step: int, view: LayerView, names, count: int) -> None:
    """Build, in the background, the figures of the ``count`` recorded frames after ``step`` that are trained."""
    steps, at = [], step
    while len(steps) < count and (nxt := trainer.next_after(at)) is not None:
        steps.append(nxt.step)
        at = nxt.step
    with _LOCK:
        todo = [s for s in steps if (trainer.key, s, view, names) not in _QUEUED]
        _QUEUED.update((trainer.key, s, view, names) for s in todo)
    if todo:
        _BUILDER.submit(_build, trainer, todo, view, names)


def _build(trainer, steps: list[int], view: LayerView, names) -> None:
    try:
        for s in steps:
            reel_frame(trainer, s, view, names)
    finally:
        with _LOCK:
            _QUEUED.difference_update((trainer.key, s, view, names) for s in steps)
