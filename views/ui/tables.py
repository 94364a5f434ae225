"""Small tables drawn as static text: each cell formatted here (as ``st.column_config`` asks) and shown by ``st.table``.

``st.dataframe``'s grid brings ~1.3 MB of script (the grid, Arrow formatting) for the browser to parse before a new
tab's first chart, 0.3-0.9 s on the bench machine (docs/performance.md, 2026-11-27 14:00), for tables of a dozen
rows that nobody scrolls. ``st.table`` is plain HTML, but renders every cell and header as markdown: text that is not
plainly safe is escaped (``views.ui.text.plain``), so a value from a link or a file stays text.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping

import numpy as np

from views.ui.text import plain

STATIC_ROWS, STATIC_COLUMNS = 40, 12  # beyond either, the grid (it scrolls) serves better than a page of text
# Markdown's markup (CommonMark's and Streamlit's: "$", ":icon:", ":red[...]") is ASCII punctuation: letters, digits,
# any non-ASCII character and these marks show as they are in the middle of a cell.
_PLAIN_MARKS = frozenset(" .,%()/'+=*<>-")
_BLOCK = re.compile(r"\s*([-+*>#]|\d+[.)])(\s|$)")  # a list item, quote or heading where a cell starts
# The bare "<" and ">" are safe only without a tag or autolink around them, "*" only alone (emphasis needs two), and
# "www." is a link to GitHub-flavoured markdown.
_MARKUP = re.compile(r"<\w|<\/|\w>|\*.*\*|www\.", re.IGNORECASE)


def columns(rows: list[dict]) -> list:
    """Every key any row has, in the order they first appear (a row without one shows the placeholder there)."""
    return list(dict.fromkeys(k for r in rows for k in r))


def static(rows: list[dict]) -> bool:
    """Whether rows fit a static table (few rows and columns; a grid otherwise)."""
    return 0 < len(rows) <= STATIC_ROWS and len(columns(rows)) <= STATIC_COLUMNS


def safe(s: str) -> str:
    """``s`` unchanged when markdown shows it verbatim, else every markup character backslash-escaped."""
    marks_only = all(not ch.isascii() or ch.isalnum() or ch in _PLAIN_MARKS for ch in s)
    if marks_only and not _BLOCK.match(s) and not _MARKUP.search(s):
        return s
    return plain(s, max(len(s), 1))


def _auto(x: float) -> str:
    # st.dataframe's default: up to four decimals; scientific where that would show no digit (or far too many)
    if x == 0 or 1e-4 <= abs(x) < 1e7:
        return f"{x:.4f}".rstrip("0").rstrip(".")  # a "-0" left by a tiny negative: `cell` drops its sign
    return f"{x:.3e}"


def cell(value, spec: Mapping | None, placeholder: str) -> str:
    """One value as the table shows it: ``spec`` is an ``st.column_config`` column (its printf format or
    "percent"); None and NaN as the placeholder; text through `safe`."""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if value is None or (isinstance(value, numbers.Real) and math.isnan(value)):
        return placeholder
    if isinstance(value, numbers.Real):  # NumPy's scalars too (np.float32 and np.int64 are neither float nor int)
        fmt = ((spec or {}).get("type_config") or {}).get("format")
        if fmt == "percent":
            s = f"{100 * value:.2f}%"
        elif fmt and fmt.startswith("%"):
            s = fmt % value
        else:
            s = str(int(value)) if isinstance(value, numbers.Integral) else _auto(float(value))
        digits = [c for c in s.split("e")[0] if c.isdigit()]
        return s[1:] if s.startswith("-") and digits and set(digits) == {"0"} else s  # "0.00", not "-0.00"
    return safe(str(value))


def display(rows: list[dict], column_config: Mapping | None = None, placeholder: str = "—") -> list[dict]:
    """The rows as the strings a static table shows, headers (a column's ``label`` if set) made safe too."""
    config = column_config or {}
    heads = {k: safe(str((config.get(k) or {}).get("label") or k)) for k in columns(rows)}
    return [{h: cell(r.get(k), config.get(k), placeholder) for k, h in heads.items()} for r in rows]
