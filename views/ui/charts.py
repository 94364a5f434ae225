"""Charts and tables to the browser: `chart` (any figure, or a cached plain spec), `live` (a chart updated in
place, for frames that follow each other) and `table`.

Every chart gets the same config: no plotly logo, and a camera button that saves ``normlab_<key>.png`` at twice
the size (slides). Figures that are cached travel as plain dicts (``viz.theme.plain``), so a rerun that changes
nothing they show pays for their JSON only.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path

import pyarrow as pa
import streamlit as st
from plotly.basedatatypes import BaseFigure

from views.ui import cache, frame, payload, tables
from viz.theme import plain, presented


def config(key: str, **extra) -> dict:
    """The plotly config of chart ``key``: the modebar stays, its PNGs are named and sharp; extra options added."""
    return {"displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": f"normlab_{key}",
                                                           "scale": 2}, **extra}


class _Plain(BaseFigure):
    """A figure already in the plain form ``viz.theme.plain`` gives, on its way into ``st.plotly_chart``.

    Given a Figure, Streamlit calls ``to_dict`` (a deep copy, then a walk that base64-encodes every array); given a
    dict, it rebuilds and validates a whole Figure. A plain spec has had that done once, when it was cached. Only
    ``to_dict`` is ever called, so ``BaseFigure.__init__`` (the costly part) is skipped on purpose.
    """

    def __init__(self, spec: dict):  # noqa: D107 (not BaseFigure.__init__: see the class docstring)
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec


def chart(fig, key: str, *, where=None, options: dict | None = None, **kw):
    """``st.plotly_chart`` of a Figure or of a plain spec (sent as is, never rebuilt), at full width, keyed ``key``.

    where: a container or column to draw in; options: extra plotly config (scrollZoom, displayModeBar);
    kw: other ``st.plotly_chart`` arguments (on_select, selection_mode). A plain spec must not be mutated
    afterwards (a cached one is shared by every session).
    """
    target = where if where is not None else st
    if not isinstance(fig, dict):
        fig = plain(fig)  # what Streamlit's to_dict would send, with the template's unused trace defaults left out
    if frame.presenting():  # projector: larger fonts, thicker lines, a height that fits 720 px (a new dict, cache kept)
        fig = presented(fig)
    return target.plotly_chart(_Plain(fig), key=key, width="stretch", config=config(key, **(options or {})), **kw)


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def _figure_dict(name: str, inputs: Hashable, _build: Callable) -> dict:
    return plain(_build())


# Figures keyed by plain inputs live in one byte-bounded store for every session (views.ui.cache): a class on one
# preset builds each figure once, and a stream of distinct heavy links cannot grow memory past the budget (an
# st.cache_data of 128 entries held 128 race figures of several MB each). Streamlit only reads the dict it is sent.
@cache.shared("charts.figures", max_mb=32, key=lambda args, kw: f"{args[0]}\0{args[1]}")
def _shared_figure(name: str, inputs: str, build: Callable) -> dict:
    return payload.seal(plain(build()))


_SCALARS = (str, int, float, bool, type(None))


def _literal(x) -> bool:
    """Whether x is built of plain values only (frozen configs included), so that its repr identifies it."""
    if isinstance(x, _SCALARS):
        return True
    if isinstance(x, tuple | list):
        return all(_literal(v) for v in x)
    if isinstance(x, dict):
        return all(_literal(k) and _literal(v) for k, v in x.items())
    if is_dataclass(x) and not isinstance(x, type):
        return x.__dataclass_params__.frozen and all(_literal(getattr(x, f.name)) for f in fields(x))
    return False


def cached_spec(key: str, inputs: Hashable, build: Callable) -> dict:
    """The plain spec of ``build()``, cached under (key, inputs) as ``cached_chart`` draws it (shared by sessions)."""
    return _shared_figure(key, repr(inputs), build) if _literal(inputs) else _figure_dict(key, inputs, build)


def cached_chart(key: str, inputs: Hashable, build: Callable, *, in_place: bool = False, **kw):
    """``chart`` of ``build()`` (a figure builder taking no arguments), cached as a plain dict under (key, inputs).

    ``inputs`` must determine the figure completely (e.g. the frozen config of the computation it draws): the
    builder is not hashed. Plain inputs are keyed by their repr (Streamlit's hashing of a few dozen values costs
    ~0.3 ms a call). ``in_place``: drawn with ``live`` (updated in place, no remount; ``on_click`` as there).
    """
    spec = cached_spec(key, inputs, build)
    if in_place:
        return live(spec, key, where=kw.get("where"), on_click=kw.get("on_click"), options=kw.get("options"),
                    ahead=kw.get("ahead"))
    return chart(spec, key, **kw)


def table(rows: list[dict], *, where=None, column_config=None, placeholder: str = "—", **kw):
    """Row dicts as a table: a small one as static text (``views.ui.tables``; ``column_config`` formats its cells,
    the grid's other options do not apply), a larger one as ``st.dataframe``, handed over as an Arrow table (given a
    list, Streamlit builds a pandas frame first, ~1 ms a table on every rerun). Columns of mixed types, which Arrow
    refuses, take Streamlit's own path."""
    dg = where if where is not None else st
    if tables.static(rows):
        return dg.table(pa.Table.from_pylist(tables.display(rows, column_config, placeholder)), border="horizontal",
                        hide_index=True)
    kw |= {"column_config": column_config, "placeholder": placeholder}
    try:
        data = pa.Table.from_pylist(rows)
    except (pa.ArrowException, TypeError, ValueError):
        data = rows
    return dg.dataframe(data, **{"hide_index": True, "width": "stretch", **kw})


_JS = (Path(__file__).parent / "live_chart.js").read_text()
_LIVE = st.components.v2.component("normlab_live_chart", js=_JS, isolate_styles=False)


@dataclass(frozen=True)
class Ahead:
    """The figures a ``live`` chart shows when the slider keyed ``slider`` (an ``st.slider``: its value; a select
    slider: the option's index) moves from ``at`` to a value next to it: ``specs`` maps each value to the very spec
    a run at that value sends. The browser draws it the moment the thumb moves, and the rerun that follows, bringing
    the same figure, draws nothing again; the rest of the page follows the round trip."""

    slider: str
    at: float
    specs: dict = field(default_factory=dict)
    captions: dict = field(default_factory=dict)  # value -> the line above the chart there (a reel's frame line)

    def sent(self) -> dict:
        """As the browser reads it (projector mode: the specs as ``live`` presents them)."""
        return {"slider": self.slider, "at": self.at, "specs": [
            {"at": v, "spec": presented(s) if frame.presenting() else s, "caption": self.captions.get(v)}
            for v, s in self.specs.items()]}


_CLEAR = "rgba(0,0,0,0)"
# One invisible point, 24 px: a browser check for blank panels (live training) counts a plotly div without a trace
# or under 20 px tall as a chart that failed to draw.
LOADER_NAME = "plotly.js loader"  # its one trace's name: tests leave it out of a page's charts
_LOADER = {"data": [{"type": "scatter", "name": LOADER_NAME, "x": [0], "y": [0], "mode": "markers",
                     "marker": {"opacity": 0}, "hoverinfo": "skip", "showlegend": False}],
           "layout": {"height": 24, "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "paper_bgcolor": _CLEAR,
                      "plot_bgcolor": _CLEAR, "xaxis": {"visible": False}, "yaxis": {"visible": False}}}


def plotly_js(key: str) -> None:
    """An empty plotly chart that never changes: it loads the plotly.js ``live`` charts draw with on a view that has
    no ``st.plotly_chart`` of its own, and is never remounted (24 px, no modebar)."""
    chart(_LOADER, key, options={"displayModeBar": False, "staticPlot": True})


def live(spec: dict, key: str, where=None, on_click: Callable[[], None] | None = None,
         options: dict | None = None, caption: str | None = None, ahead: Ahead | None = None) -> None:
    """A plain figure spec (``viz.theme.plain``) drawn in an element that stays mounted: a new spec under the same
    ``key`` updates the chart in place (``Plotly.react``). Same plotly config as ``chart`` (named 2x PNGs).

    on_click: called (a widget callback, before the rerun) after a click on a point of the chart; `clicked(key)`
    then reads the point. options: extra plotly config, as for ``chart``.

    ``st.plotly_chart`` makes a figure's content part of the element's identity, so every new figure remounts the
    chart (a fresh ``Plotly.newPlot``: a blank panel and ~0.1-1 s of browser work each time on a busy machine).
    ``window.Plotly`` is Streamlit's own plotly bundle, loaded by the first ``st.plotly_chart`` on the page; until
    then the component waits for it. Clicks only, no box or lasso selections (those need ``chart``).
    caption: a line of text above the chart (a ``**bold**`` part allowed, nothing else of markdown: no user text).
    ahead: the figures of the slider values next to this one (``Ahead``), drawn the moment the thumb moves.
    """
    with where if where is not None else st.container():
        spec = presented(spec) if frame.presenting() else spec
        clicks = {"on_click_change": on_click} if on_click is not None else {}
        _LIVE(key=key, data=payload.encode({
            "spec": spec, "caption": caption, "config": config(key, **(options or {})), "key": key,
            "click": on_click is not None, "ahead": ahead and ahead.sent()}), **clicks)


def reel(frames: list[tuple[int, dict, str | None]], key: str, *, every_ms: int, name: str, where=None,
         ahead: Ahead | None = None) -> None:
    """A ``live`` chart that plays ``frames`` ((id, plain spec, caption), ids increasing) in the browser, one every
    ``every_ms`` ms after the frame on screen: a rerun every few frames keeps it playing smoothly, with no round trip
    per frame. A rerun may resend the frame on screen (a new mount then shows it); frames already queued are skipped.
    ``name`` names the sequence: a new name (another run, another view of it) drops what was still to play.
    ahead: as for ``live``, the figures (and lines) a slider's next values show, for a reel shown still."""
    with where if where is not None else st.container():
        shown = [{"id": i, "spec": presented(s) if frame.presenting() else s, "caption": c} for i, s, c in frames]
        _LIVE(key=key, data=payload.encode({"frames": shown, "every": every_ms, "reel": name, "config": config(key),
                                            "key": key, "click": False, "ahead": ahead and ahead.sent()}))


def clicked(key: str) -> dict | None:
    """The last point clicked on ``live`` chart ``key`` ({"x", "y", "curve", "at", "customdata"}; None before any
    click)."""
    state = st.session_state.get(key)
    try:
        return state["click"] if state is not None else None
    except (KeyError, TypeError):
        return None
