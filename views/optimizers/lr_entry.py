"""An lr control: a log slider on the 1-2-5 grid with a typed number beside it, both showing one exact value.

The slider (URL-bound under its key, e.g. ``lr_sgd``) holds the value. Its stops are the grid plus the current
value, so a typed lr that is not on the grid becomes a stop of its own and the link carries it exactly (the
shortest text that reads back as the same float). The text box beside it (key ``lrt_<key>``, not in the URL: it
only ever shows the slider's value) takes any number; its callback writes the number, clamped into [LO, HI], to the
slider's key before the next run draws the slider, and leaves a notice when it had to clamp. A link's value off
the grid, or outside the range (clamped), is taken the same way.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from contextlib import nullcontext

import streamlit as st

from core.optim.spec import HYPERS
from views.ui import links
from views.ui.text import literal

LO, HI = HYPERS["lr"].lo, HYPERS["lr"].hi  # 1e-5 and 10: the grid's ends, the range the engine's specs give lr
_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")  # ASCII decimals only: float() takes more
HELP = (f"A log grid; type any lr from {LO:g} to {HI:g} in the box beside it (Enter applies it) and it "
        "becomes a stop of its own. The link keeps it exactly.")
_NOTES = "_lr_notes"  # slider key -> the sentence its text box's callback left for this run


def label(v: float) -> str:
    """An lr as text: %g where that reads back as the same float (0.01, 1e-05), else the shortest exact repr."""
    short = f"{v:g}"
    return short if float(short) == v else repr(float(v))


def parse(text) -> float | None:
    """The number typed (ASCII decimal or scientific notation, at most 40 characters), or None."""
    text = str(text).strip()
    if len(text) > 40 or not _NUMBER.fullmatch(text):
        return None
    v = float(text)
    return v if math.isfinite(v) else None


def clamp(v: float) -> float:
    """v clamped into the lr range [LO, HI] (zero and negatives go to LO)."""
    return min(max(v, LO), HI)


def clamped_note(v: float) -> str:
    """The end of the notice for a value clamped into the range: names the range and the value used."""
    return f"is outside the range {label(LO)} … {label(HI)}; clamped to {label(clamp(v))}."


def _typed(key: str, name: str) -> None:
    """The text box's callback: its number (clamped) becomes the slider's value; a non-number leaves a notice."""
    ss = st.session_state
    raw, current = ss.get(f"lrt_{key}", ""), ss.get(key)
    v = parse(raw)
    if v is None:
        if str(raw).strip():
            shown = label(current) if isinstance(current, float) else "as it was"
            ss.setdefault(_NOTES, {})[key] = (f"{name} {literal(raw, 40)} is not a number (type one like 0.003 or "
                                              f"3e-4); it stays {shown}.")
        return
    if clamp(v) != v:
        ss.setdefault(_NOTES, {})[key] = f"{name} {label(v)} {clamped_note(v)}"
    ss[key] = clamp(v)


def _from_link(key: str, name: str) -> float | None:
    """The link's value for key if it is a number (clamped, with a notice, if outside the range), else None.

    A number the slider would not find among its stops as written (off the range, or written another way, 1.5e-2
    for 0.015) is given to the slider here, before it exists, on the link's first run (as views.ui.widgets does
    for values Streamlit cannot read). Streamlit then drops the parameter from the address bar, as it does after a
    gallery link's preset: the view has the value, the address bar gets it back when the lr is next set.
    """
    given = links.values(key)
    v = parse(given[-1]) if given else None
    if v is None:
        return None
    if key not in st.session_state and label(clamp(v)) != given[-1]:
        st.session_state[key] = clamp(v)
    if clamp(v) != v:
        links.notice(f"Link value **{name}** = {literal(given[-1], 40)} {clamped_note(v)}")
    return clamp(v)


def _refuse_typed_link(key: str, name: str) -> None:
    """A link value for the text box (hand-made: the box is not in links) is refused with a notice and dropped."""
    if links.values(f"lrt_{key}"):
        links.check(f"lrt_{key}", f"{name}, typed", lambda t: False, f"none: the link keeps this lr as {key}", None)
        try:
            del st.query_params[f"lrt_{key}"]
        except Exception:  # already gone: nothing to clean
            pass


def lr_input(name: str, grid: Sequence[float], default: float, *, key: str, shown: bool = True) -> float:
    """The slider `name` over `grid` and the current value, the typed number beside it; returns the lr (exact).
    ``shown``: its container is open; a closed one gets the two without their columns (nothing to lay out)."""
    ss = st.session_state
    linked = _from_link(key, name)  # an exact value on the first run of a link: a stop of its own
    _refuse_typed_link(key, name)
    current = ss.get(key, linked if linked is not None else default)
    stops = sorted({*grid, float(current), float(default)})
    links.check(key, name, lambda t: parse(t) is not None, f"a number in [{label(LO)}, {label(HI)}]", label(default))
    links.share(key, default, lambda v: [label(v)])
    slider, typed = (st.columns([3, 2], vertical_alignment="bottom", gap="small") if shown
                     else (nullcontext(), nullcontext()))
    with slider:
        value = float(st.select_slider(name, stops, default, key=key, bind="query-params",
                                       format_func=label, help=HELP))
    # The box shows the slider's value (set before the box exists: a link, a preset or the slider moved it).
    if ss.get(f"lrt_{key}") != label(value):
        ss[f"lrt_{key}"] = label(value)
    with typed:
        st.text_input(f"{name}, typed", key=f"lrt_{key}", on_change=_typed, args=(key, name), max_chars=40,
                      label_visibility="collapsed", placeholder="e.g. 3e-4")
    note = ss.get(_NOTES, {}).pop(key, None)
    if note:
        st.warning(note)
    return value
