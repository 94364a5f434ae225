"""Subplot grids written as plain layout dicts, with a theme-neutral panel look (viz.theme.figure builds the figure).

``make_subplots`` costs tens of milliseconds per figure; a live page redraws several figures four times a
second, so its grids are written out here instead.
"""

from __future__ import annotations

from collections.abc import Sequence

# No font colour and a transparent paper: Streamlit's plotly theme colours the text for the viewer's light or dark
# theme. Grid and axis lines are translucent greys, which read on a white page and on a dark one.
FONT = dict(family="Source Sans Pro, Arial, sans-serif", size=14)
GRID = "rgba(128,128,128,0.25)"
LINE = "rgba(128,128,128,0.5)"
CLEAR = "rgba(0,0,0,0)"
AXIS = dict(gridcolor=GRID, zerolinecolor=LINE, linecolor=LINE, ticks="", automargin=True,
            title=dict(font=dict(size=14)))
# The panels' look: transparent, so it follows the light or dark theme; narrow side margins for many panels.
PANELS = dict(plot_bgcolor=CLEAR, font=FONT, hoverlabel=dict(font_size=13), margin=dict(l=10, r=10, t=40, b=40))


def axis_name(kind: str, k: int) -> str:
    """Layout key of the k-th (0-based) x or y axis: xaxis, xaxis2, ..."""
    return f"{kind}axis" + ("" if k == 0 else str(k + 1))


def ref(kind: str, k: int) -> str:
    """Trace reference of the k-th axis: x, x2, ..."""
    return kind + ("" if k == 0 else str(k + 1))


def grid(rows: int, cols: int, hspace: float = 0.04, vspace: float = 0.14,
         col_titles: Sequence[str] = (), row_titles: Sequence[str] = (), shared_y: bool = False) -> dict:
    """Layout dict of a rows x cols grid; panel (r, c) uses axis number r * cols + c (0-based)."""
    w = (1 - hspace * (cols - 1)) / cols
    h = (1 - vspace * (rows - 1)) / rows
    lay, notes = {}, []
    for r in range(rows):
        for c in range(cols):
            k = r * cols + c
            x0, y1 = c * (w + hspace), 1 - r * (h + vspace)
            lay[axis_name("x", k)] = dict(AXIS, domain=_unit(x0, x0 + w), anchor=ref("y", k))
            lay[axis_name("y", k)] = dict(AXIS, domain=_unit(y1 - h, y1), anchor=ref("x", k))
            if shared_y and k:
                lay[axis_name("y", k)].update(matches="y", showticklabels=False)
            if r == 0 and c < len(col_titles):
                notes.append(_title(col_titles[c], x0 + w / 2, y1))
        if r < len(row_titles):
            notes.append(dict(_title(row_titles[r], 0.0, 1 - r * (h + vspace)), xanchor="left"))
    lay["annotations"] = notes
    return PANELS | lay


def _unit(a: float, b: float) -> list[float]:
    # Float round-off can put a domain end a hair outside [0, 1], which plotly rejects.
    return [min(max(a, 0.0), 1.0), min(max(b, 0.0), 1.0)]


def _title(text: str, x: float, y: float) -> dict:
    return dict(text=f"<b>{text}</b>", x=x, y=y, xref="paper", yref="paper", xanchor="center", yanchor="bottom",
                showarrow=False, font=dict(size=14), yshift=4)


def corner_note(text: str, k: int, x: float = 0.98, y: float = 0.98) -> dict:
    """An annotation in the top-right corner of panel k."""
    return dict(text=text, x=x, y=y, xref=f"{ref('x', k)} domain", yref=f"{ref('y', k)} domain", showarrow=False,
                xanchor="right", yanchor="top", font=dict(size=12), bgcolor="rgba(128,128,128,0.15)")
