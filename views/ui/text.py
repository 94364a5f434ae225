"""Text from a user (a link, an expression, a file) shown as text: never as markdown, a link, an image or HTML.

Streamlit renders every message (st.error, st.info, st.caption, st.markdown) as GitHub-flavoured markdown, so a
string from a link such as ``[Sign in](https://ev.il)`` or ``![](https://ev.il/pixel.png)`` would become a
clickable link or an image fetched from an outside host. Every user-provided string goes through ``literal``
(a code span, the usual look for a value) or ``plain`` (running text) before it joins a message.
"""

from __future__ import annotations

import re

# Everything CommonMark lets a backslash escape, plus what Streamlit's own markdown extensions give meaning to:
# ``$`` (LaTeX), ``:`` (``:material/icon:``, ``:red[...]`` directives and ``https://`` autolinks).
_PUNCT = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&\"'=^%@/])")
_SPACES = re.compile(r"\s+")
_BACKTICKS = re.compile(r"`+")


def clip(value: object, limit: int = 60) -> str:
    """``value`` as one line of at most ``limit`` characters (whitespace runs collapsed, an ellipsis if cut)."""
    s = _SPACES.sub(" ", str(value)).strip()
    return s if len(s) <= limit else s[: limit - 1] + "…"


def plain(value: object, limit: int = 200) -> str:
    """Markdown that displays ``value`` verbatim as running text: every markup character backslash-escaped."""
    return _PUNCT.sub(r"\\\1", clip(value, limit))


def literal(value: object, limit: int = 60) -> str:
    """Markdown that displays ``value`` verbatim in a code span, whatever backticks it holds.

    CommonMark closes a code span only at a backtick run as long as the one that opened it, so the fence is one
    longer than the longest run inside (and padded with spaces when the value starts or ends with a backtick).
    Nothing inside a code span is parsed: no link, image, autolink, HTML, LaTeX or directive.
    """
    s = clip(value, limit)
    if not s:
        return "(empty)"
    fence = "`" * (1 + max((len(m) for m in _BACKTICKS.findall(s)), default=0))
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"
