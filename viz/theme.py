"""Shared figure style: the Okabe-Ito colour-blind-safe palette and projector-readable fonts."""

import functools

import plotly.graph_objects as go
import plotly.io as pio

# Okabe & Ito (2008): distinguishable under the common colour-vision deficiencies, legible on light and dark.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
# Lines drawn over a light contour: the yellow vanishes there, so paths use the other seven; black becomes a dark
# grey, which reads on the light map, on a light page and on a dark one (a black legend swatch vanished there).
LINE_COLORS = ["#666666" if c == "#000000" else c for c in PALETTE if c != "#F0E442"]
FONT_SIZE = 15
# Colours that follow the viewer's light or dark theme. Streamlit's own plotly template writes these placeholders,
# and the browser swaps them for the current theme's colours each time it draws a chart: a cached figure follows a
# theme switch with no rerun. Outside Streamlit (a notebook) they read as near-black. tests/test_present_mode.py
# ties them to Streamlit's names (GRAY_90, BG_COLOR).
INK = "#000037"  # text and strong lines: near-black on a light page, near-white on a dark one
PAPER = "#000038"  # the page's background: frames and legend boxes that must not stay white on a dark page
GRID = "rgba(128,128,128,0.25)"  # a translucent grey reads on both
# Presentation mode (a projector): type and lines grow, a chart is at most this tall so it fits 1024x768 with its
# control (applied to the plain spec as it is sent, so cached figures stay as they are).
PRESENT_FONT, PRESENT_LINE, PRESENT_HEIGHT = 1.2, 1.5, 480
LAYOUT = dict(
    template="plotly_white", font=dict(size=FONT_SIZE), margin=dict(l=50, r=20, t=50, b=45),
    paper_bgcolor="rgba(0,0,0,0)", legend=dict(font=dict(size=FONT_SIZE - 1)),
)


def color(i: int) -> str:
    """The i-th line colour (cycling; never the yellow, which is reserved for minima)."""
    return LINE_COLORS[i % len(LINE_COLORS)]


def style(fig: go.Figure, height: int | None = None) -> go.Figure:
    """Apply the app's look: transparent background (follows the light/dark theme), large fonts, tight margins."""
    fig.update_layout(**LAYOUT)
    if height:
        fig.update_layout(height=height)
    return fig


@functools.cache
def _template() -> dict:
    # The template as a plain dict, made once: assigning it by name validates its hundreds of properties again
    # on every figure (a third of a normalization rerun).
    return pio.templates[LAYOUT["template"]].to_plotly_json()


def _titled(title: str) -> dict:
    """A figure title at the top left, with the legend beside it in the title row (container coordinates), so
    neither covers a panel's own title."""
    return dict(title=dict(text=title, x=0.01, y=0.98, yanchor="top", font=dict(size=17)), margin=dict(t=80),
                legend=dict(orientation="h", yref="container", y=0.995, yanchor="top", x=1, xanchor="right"))


def figure(data: list[dict], layout: dict, height: int, title: str = "") -> go.Figure:
    """The app's figure: plain trace and layout dicts in the app's look (a title if given), without plotly's
    per-property validation.

    Validation costs tens of ms per trace; pages redraw several figures of a dozen traces on every slider move.
    """
    base = {k: v for k, v in LAYOUT.items() if k != "template"} | (_titled(title) if title else {})
    full = base | layout | {"height": height, "template": _template()}
    if title and "margin" in layout:  # a figure's own margins keep the title row
        full["margin"] = {**layout["margin"], "t": max(layout["margin"].get("t", 0), 80)}
    for k, axis in full.items():  # unvalidated, plotly's magic ``title_text`` would never reach plotly.js
        if k[1:5] == "axis" and isinstance(axis, dict) and "title_text" in axis:
            axis = dict(axis)
            full[k] = axis | {"title": {**axis.get("title", {}), "text": axis.pop("title_text")}}
    return go.Figure({"data": data, "layout": full}, _validate=False)


def presented(spec: dict) -> dict:
    """A plain figure spec for a projector: fonts x PRESENT_FONT, line widths x PRESENT_LINE, height at most
    PRESENT_HEIGHT. A new dict sharing the (read-only) arrays: the cached spec is not touched."""
    layout = dict(spec.get("layout", {}))
    font = dict(layout.get("font", {}))
    font["size"] = round(font.get("size", FONT_SIZE) * PRESENT_FONT, 1)
    layout["font"] = font
    if "height" in layout:
        layout["height"] = min(layout["height"], PRESENT_HEIGHT)
    data = []
    for trace in spec.get("data", []):
        line = trace.get("line")
        if isinstance(line, dict) and isinstance(line.get("width"), int | float):
            trace = {**trace, "line": {**line, "width": line["width"] * PRESENT_LINE}}
        elif trace.get("type") == "scatter" and "lines" in str(trace.get("mode", "lines")):
            trace = {**trace, "line": {**(line or {}), "width": 2 * PRESENT_LINE}}  # plotly's default is 2
        data.append(trace)
    return {**spec, "data": data, "layout": layout}


# Template parts for plotly features no figure here uses (maps, polar and ternary axes).
_UNUSED_LAYOUT = ("geo", "mapbox", "polar", "ternary")


def _json_safe(o):
    """``o`` with the arrays ``to_dict`` leaves as numpy (empty ones: it encodes the others) made lists: a live chart's
    data goes through json.dumps, which turns a dict holding an array into its repr."""
    if isinstance(o, dict):
        for k, v in o.items():
            if isinstance(v, dict | list) or hasattr(v, "tolist"):
                o[k] = _json_safe(v)
    elif isinstance(o, list):
        return [_json_safe(v) for v in o]
    elif hasattr(o, "tolist"):
        return o.tolist()
    return o


def plain(fig: go.Figure) -> dict:
    """A figure as the plain dict a cache stores cheaply (a pickled Figure re-validates itself when loaded), arrays
    already base64-encoded: what ``st.plotly_chart`` would make of the figure. Pages send it with ``ui.chart``.

    The template keeps the trace defaults of the trace types the figure has only: plotly_white's defaults for all
    ~40 types are 4.3 of its 7.2 KB, sent, cached and parsed with every figure (~40 KB of a histograms tick)."""
    spec = _json_safe(fig.to_dict())
    template = spec.get("layout", {}).get("template")
    if isinstance(template, dict):
        used = {t.get("type", "scatter") for t in spec.get("data", [])}
        lean = {k: v for k, v in template.items() if k not in ("data", "layout")}
        lean["data"] = {k: v for k, v in template.get("data", {}).items() if k in used}
        lean["layout"] = {k: v for k, v in template.get("layout", {}).items() if k not in _UNUSED_LAYOUT}
        spec["layout"]["template"] = lean
    return spec
