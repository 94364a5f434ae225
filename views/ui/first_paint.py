"""A new tab's first paint: the page's charts first, its controls a moment later.

A new tab's first chart waited for the browser to mount every element sent before it: a default view's 40-90
controls, captions and tables cost its main thread 1-3 s of React, styles and markdown before plotly.js could draw
(docs/performance.md, 2026-11-28). So a session's first run sends its charts, titles, alerts and progress bars as
they are, every other element as an empty placeholder at its place, and ends with a small element that reruns the
page once the browser has drawn a chart; that rerun, and every run after it, sends the whole page.
The first run computes exactly what a whole run computes (the widgets are created and read as always, only their
messages are emptied), so the rerun's charts are the same and are not redrawn.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from streamlit import runtime
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

PAINTED = "_normlab_painted"  # session key: the browser has drawn this session's first chart (or had none to draw)
KEY = "_normlab_first_paint"  # the signal's element key; its container's class is st-key-_normlab_first_paint
# What a first paint keeps: what a reader looks at or must read at once. A widget's message is emptied, not dropped:
# the browser refuses a delta whose place skips one, and a widget it never saw is not sent back, so the rerun
# reads its value from the session, where the first run left it.
KEEP = frozenset({"plotly_chart", "bidi_component", "heading", "alert", "progress", "html", "empty", "exception"})
WAIT_MS = 4000  # the longest the controls wait for a chart (one that fails to draw must not hide them)
LIVE = "live_chart"  # in the component name of views.ui.charts.live (charts.plotly_js's loader ends in plotly_js)

_JS = """
export default function ({ data, parentElement, setTriggerValue }) {
  if (parentElement.querySelector("div.nl-first-paint")) return;
  const mark = document.createElement("div");
  mark.className = "nl-first-paint";
  parentElement.appendChild(mark);
  const start = performance.now();
  const loader = (g) => !!(g.data && g.data.length === 1 && g.data[0].name === "plotly.js loader");
  const drawn = () => [...document.querySelectorAll(".js-plotly-plot")].some(
    (g) => !loader(g) && g._fullData && g._fullData.length && g.querySelector(".main-svg"));
  const look = () => {
    if (!data.charts || drawn() || performance.now() - start > data.wait) setTriggerValue("drawn", true);
    else setTimeout(look, 30);  // not requestAnimationFrame: a tab opened in the background still gets its controls
  };
  look();
}
"""
_SIGNAL = st.components.v2.component("normlab_first_paint", js=_JS)


def charts_of(msg: ForwardMsg) -> int:
    """1 if ``msg`` draws a chart a reader waits for (a plotly chart or an in-place chart, not the plotly.js loader)."""
    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return 0
    el = msg.delta.new_element
    kind = el.WhichOneof("type")
    if kind == "plotly_chart":
        return int(not el.plotly_chart.id.endswith("plotly_js"))
    return int(kind == "bidi_component" and LIVE in el.bidi_component.component_name)


def slim(msg: ForwardMsg) -> ForwardMsg:
    """``msg`` as a first paint sends it: a new element not in KEEP becomes an empty one at the same place."""
    if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
        el = msg.delta.new_element
        if el.WhichOneof("type") not in KEEP:
            el.Clear()
            el.empty.SetInParent()
    return msg


def wanted() -> bool:
    """Whether this run is a session's first paint: in a served app (not AppTest, which has no browser to draw)
    and before the browser reported its first chart."""
    served = runtime.exists() and type(runtime.get_instance()) is runtime.Runtime  # AppTest's is a MagicMock
    return served and get_script_run_ctx() is not None and not st.session_state.get(PAINTED)


def _painted() -> None:
    st.session_state[PAINTED] = True


def skip() -> None:
    """Send this session's runs whole from the next on: this run set a control's value by code (a gallery preset, a
    link value Streamlit cannot read). Such a value reaches the URL through the control the browser is sent, so a
    control emptied in a first paint went back to its default in the run after it."""
    _painted()


@contextmanager
def charts_first() -> Iterator[None]:
    """Around a page run: on a session's first paint, send the block's elements slimmed (``slim``) and end with the
    signal that reruns the page, whole, once a chart is drawn. Any other run is left alone."""
    if not wanted():
        yield
        return
    ctx = get_script_run_ctx()
    charts = [0]

    def enqueue(msg: ForwardMsg, send=ctx.enqueue) -> None:
        # before ctx.enqueue hashes it: the browser caches a message by its hash, and must not keep an emptied
        # widget under the hash of the real one
        charts[0] += charts_of(msg)
        send(slim(msg))

    ctx.enqueue = enqueue  # the instance's attribute shadows the method, for this run only (restored below)
    try:
        yield
    finally:
        del ctx.enqueue
    if st.session_state.get(PAINTED):  # skip(): a control's value was set by code in this run; rerun it whole now
        st.rerun()
    _SIGNAL(key=KEY, data={"charts": charts[0], "wait": WAIT_MS}, on_drawn_change=_painted)
