"""Shared figure style: the Okabe-Ito colour-blind-safe palette and projector-readable fonts."""

import functools

import plotly.graph_objects as go
import plotly.io as pio

# Okabe & Ito (2008): distinguishable under the common colour-vision deficiencies, legible on light and dark.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
# Lines drawn over a light contour: the yellow vanishes there, so paths use the other seven.
LINE_COLORS = [c for c in PALETTE if c != "#F0E442"]
FONT_SIZE = 15
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
    return go.Figure({"data": data, "layout": full}, _validate=False)


def plain(fig: go.Figure) -> dict:
    """A figure as the plain dict a cache stores cheaply (a pickled Figure re-validates itself when loaded), arrays
    already base64-encoded: what ``st.plotly_chart`` would make of the figure. Pages send it with ``ui.chart``."""
    return fig.to_dict()
