"""The top of the live view: the view radios, the step line and the per-layer histogram chart of one frame; and
``live_chart``, the chart that updates in place while the view plays.

``st.plotly_chart`` makes a figure's content part of the element's identity, so every new frame remounts the chart
(a fresh ``Plotly.newPlot``: blank panels and ~0.1-1 s of browser work per frame on a busy machine). A live chart is
a small component that keeps one element and hands each new figure to ``Plotly.react``, which updates it in place.
``window.Plotly`` is Streamlit's own plotly bundle, loaded by the first ``st.plotly_chart`` on the page (the live
view always shows one: the saturation chart); until then the component waits for it.
"""

from __future__ import annotations

import streamlit as st

from views.histograms import controls, shared
from views.histograms.config import LayerView
from views.ui import charts
from viz.hist_overlay import overlay_histograms, step_overlay
from viz.histograms import pair_histograms

GRID_COLUMNS = 5
_JS = """
export default function ({ data, parentElement }) {
  let div = parentElement.querySelector("div.nl-live");
  if (!div) {
    div = document.createElement("div");
    div.className = "nl-live";
    div.dataset.key = data.key;
    parentElement.appendChild(div);
  }
  div.pending = data;
  const draw = () => {
    if (!window.Plotly) { setTimeout(draw, 50); return; }
    const d = div.pending;
    if (!d || div.busy) return;  // nothing new, or drawn when the current redraw ends: frames never queue up
    div.pending = null;
    div.busy = true;
    const s = d.spec, color = getComputedStyle(parentElement).color;  // the text follows the light or dark theme
    const layout = { ...s.layout, font: { ...(s.layout.font || {}), color }, autosize: true };
    Promise.resolve(window.Plotly.react(div, s.data, layout, { ...d.config, responsive: true }))
      .finally(() => { div.busy = false; if (div.pending && div.visible !== false) draw(); });
  };
  // A chart scrolled out of view keeps its last figure and draws the newest one as soon as it comes back: the
  // browser spends its time on what is on screen.
  if (!div.seen) {
    div.seen = new IntersectionObserver((e) => {
      div.visible = e[0].isIntersecting;
      if (div.visible && div.pending) draw();
    });
    div.seen.observe(div);
    draw();
  } else if (div.visible) {
    draw();
  }
}
"""
_LIVE = st.components.v2.component("normlab_live_chart", js=_JS, isolate_styles=False)


def live_chart(spec: dict, key: str, where=None) -> None:
    """A plain figure spec (``viz.theme.plain``) drawn in an element that stays mounted: a new spec under the same
    ``key`` updates the chart in place. Same plotly config as ``charts.chart`` (named 2x PNGs)."""
    with where if where is not None else st.container():
        _LIVE(key=key, data={"spec": spec, "config": charts.config(key), "key": key})


def _figure(snap, snaps, view: LayerView, names):
    if view.every:
        depth = len(snap.plain.layers)
        return overlay_histograms(snap, view.kind, names, range(depth), cols=min(GRID_COLUMNS, depth))
    if view.layout == "nets":
        return overlay_histograms(snap, view.kind, names)
    if view.layout == "steps":
        return step_overlay(snaps, view.kind, names)
    return pair_histograms(snap, view.kind, names)


def view_controls() -> LayerView:
    """The statistic radio and the all-layers toggle on the left, the layout radio on the right (page run)."""
    return controls.layer_view(*st.columns(2))


def status(trainer, step: int, names, view: LayerView) -> None:
    """"Step N · test accuracy" and the histogram figure ``view`` asks for, at the frame ``step`` of ``trainer``
    (every session on that frame and view gets the same figure)."""
    snaps = trainer.frames(step)
    snap = snaps[-1]
    st.markdown(f"**Step {snap.step}** · test accuracy {snap.plain.test_accuracy:.1%} (no norm) vs "
                f"{snap.normed.test_accuracy:.1%} ({names[1].lower()})")
    key = (trainer.key, snap.step, view, names)
    live_chart(shared.figure("layers", key, lambda: _figure(snap, snaps, view, names)), "hist_layers")
    if view.every or view.layout == "nets":
        st.caption("On one axis the heights are densities (share per unit of value): each net keeps its own bins.")
