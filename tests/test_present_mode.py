"""Presentation mode and theme-following colours, without a browser: the toggle, the folded prose, the projector
transform of a figure spec, and the placeholders Streamlit swaps for the viewer's theme colours."""

from __future__ import annotations

import json

import plotly.graph_objects as go
from streamlit.elements.lib import streamlit_plotly_theme as st_theme

from tests.apptest import open_page
from viz import theme
from viz.lr_curves import LEGEND, USER_COLOR

ACT = "views/activations/page.py"


def test_theme_placeholders_are_the_ones_streamlit_swaps():
    assert theme.INK == st_theme.GRAY_90 and theme.PAPER == st_theme.BG_COLOR
    # The charts that used to keep a white legend box and plot area now use them.
    assert LEGEND["bgcolor"] != "white" and LEGEND["font"]["color"] == theme.INK and USER_COLOR == theme.INK


def test_presented_grows_type_and_lines_and_caps_height_without_touching_the_cached_spec():
    fig = theme.figure([dict(type="scatter", x=[0, 1], y=[0, 1], mode="lines", line=dict(width=3)),
                        dict(type="scatter", x=[0, 1], y=[1, 0], mode="lines"),
                        dict(type="scatter", x=[0], y=[0], mode="markers")], {}, 620)
    spec = theme.plain(fig)
    before = json.dumps(spec, sort_keys=True)
    shown = theme.presented(spec)
    assert json.dumps(spec, sort_keys=True) == before
    assert shown["layout"]["height"] == theme.PRESENT_HEIGHT
    assert shown["layout"]["font"]["size"] == round(theme.FONT_SIZE * theme.PRESENT_FONT, 1)
    assert [t.get("line", {}).get("width") for t in shown["data"]] == [4.5, 3.0, None]
    go.Figure(shown)  # still a valid figure


def test_present_link_folds_the_prose_and_sets_the_toggle():
    plain, present = open_page(ACT, 60), open_page(ACT, 60, query={"present": "1"})
    assert not present.exception and not present.info  # "1" is read as true, not refused
    assert present.toggle(key="present").value is True and plain.toggle(key="present").value is False
    intro = plain.markdown[0].value
    assert "nonlinearity" in intro and all("nonlinearity" not in m.value for m in present.markdown)
    assert any("<style>" in h.proto.body for h in present.get("html"))  # the projector's look
    assert not plain.get("html")
    # The explorer chart comes right after its controls on a projector, before the numbers.
    assert len(present.get("plotly_chart")) == len(plain.get("plotly_chart"))
