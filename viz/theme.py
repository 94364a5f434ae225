"""Shared figure style: the Okabe-Ito colour-blind-safe palette and projector-readable fonts."""

import plotly.graph_objects as go

# Okabe & Ito (2008): distinguishable under the common colour-vision deficiencies, legible on light and dark.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
FONT_SIZE = 15


def color(i: int) -> str:
    """The i-th palette colour (cycling)."""
    return PALETTE[i % len(PALETTE)]


def style(fig: go.Figure, height: int | None = None) -> go.Figure:
    """Apply the app's look: transparent background (follows the light/dark theme), large fonts, tight margins."""
    fig.update_layout(
        template="plotly_white", font=dict(size=FONT_SIZE), margin=dict(l=50, r=20, t=50, b=45),
        paper_bgcolor="rgba(0,0,0,0)", legend=dict(font=dict(size=FONT_SIZE - 1)),
    )
    if height:
        fig.update_layout(height=height)
    return fig
