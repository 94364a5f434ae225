"""URL-bound controls: each Streamlit widget a page uses, bound to the link (``bind="query-params"``) and checked.

A value in the link that the widget cannot take (out of range, unknown option, given twice) becomes a notice
(views.ui.links) instead of vanishing silently; the widget then shows its default. Each control also tells
views.ui.links how it is written in a URL, so "Link to this view" carries every value that differs from its default.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from typing import Any

import streamlit as st

from views.ui import first_paint
from views.ui.links import check, notice, share, values
from views.ui.text import literal

_TRUE, _FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}


def parse_bool(text: str) -> bool:
    """A link's toggle value as ``toggle`` reads it: true/1/yes/on or false/0/no/off (ValueError otherwise)."""
    t = text.lower()
    if t in _TRUE or t in _FALSE:
        return t in _TRUE
    raise ValueError(f"not a toggle value: {text!r}")


def _number_ok(lo: float | None, hi: float | None, integer: bool) -> Callable[[str], bool]:
    def ok(text: str) -> bool:
        x = float(text)
        if not math.isfinite(x) or (integer and x != int(x)):
            return False
        return (lo is None or x >= lo) and (hi is None or x <= hi)

    return ok


def _number(x) -> str:
    # repr: the shortest text that reads back as the same float (0.7, 1e-05), as a link must
    return str(x) if isinstance(x, int) else repr(float(x))


def _numbers(value) -> list[str]:
    return [_number(v) for v in value] if isinstance(value, tuple | list) else [_number(value)]


def _labeller(format_func: Callable[[Any], str] | None) -> Callable[[Any], str]:
    # Streamlit writes an option to the URL as its formatted label.
    f = format_func or str
    return lambda o: str(f(o))


def _labels(value, label: Callable[[Any], str]) -> list[str]:
    return [label(v) for v in value] if isinstance(value, tuple | list) else [label(value)]


def _seed(key: str, ok: Callable[[str], bool], read: Callable[[str], Any], unreadable: Callable[[list], bool]) -> None:
    """Give a control the value its link means where Streamlit cannot read it (a key given twice, ``1`` for true).

    Streamlit drops such a value; it is set here before the control exists, on the link's first run only (then the
    control owns its value, and Streamlit has cleared the parameter).
    """
    given = values(key)
    if key in st.session_state or not given or not unreadable(given):
        return
    try:
        if ok(given[-1]):
            st.session_state[key] = read(given[-1])
            first_paint.skip()  # this run's controls go to the browser whole (first_paint.skip says why)
    except (ValueError, TypeError, OverflowError, KeyError):  # refused: check() has said so
        pass


def _twice(given: list) -> bool:
    return len(given) > 1


def slider(label: str, min_value, max_value, value, step=None, *, key: str, **kw):
    """A URL-bound ``st.slider`` whose out-of-range or non-numeric link values raise a notice."""
    integer = all(isinstance(v, int) for v in (min_value, max_value, value))
    ok = _number_ok(min_value, max_value, integer)
    check(key, label, ok, f"a number in [{min_value}, {max_value}]", value)
    share(key, value, _numbers)
    _seed(key, ok, lambda t: int(float(t)) if integer else float(t), _twice)
    current = st.session_state.get(key)
    if isinstance(current, int | float) and not min_value <= current <= max_value:  # the range moved under it
        st.session_state[key] = min(max(current, min_value), max_value)
    return st.slider(label, min_value, max_value, value, step, key=key, bind="query-params", **kw)


def number_input(label: str, min_value=None, max_value=None, value=None, step=None, *, key: str, **kw):
    """A URL-bound ``st.number_input`` with the same link checks as ``slider``."""
    given = [v for v in (min_value, max_value, value) if v is not None]
    integer = bool(given) and all(isinstance(v, int) for v in given)
    ok = _number_ok(min_value, max_value, integer)
    check(key, label, ok, "a number in range", value)
    share(key, value if value is not None else min_value, _numbers)
    _seed(key, ok, lambda t: int(float(t)) if integer else float(t), _twice)
    return st.number_input(label, min_value, max_value, value, step, key=key, bind="query-params", **kw)


def _choice(widget, label: str, options: Sequence[Any], *, key: str, index: int = 0, **kw):
    name = _labeller(kw.get("format_func"))
    names = [name(o) for o in options]
    default = options[index] if options and index is not None else None
    check(key, label, names.__contains__, "one of " + ", ".join(names[:8]) + ("…" if len(names) > 8 else ""),
          names[index] if default is not None else None)
    share(key, default, lambda v: [name(v)])
    _seed(key, names.__contains__, lambda t: options[names.index(t)], _twice)
    return widget(label, options, index=index, key=key, bind="query-params", **kw)


def selectbox(label: str, options: Sequence[Any], *, key: str, index: int = 0, **kw):
    """A URL-bound ``st.selectbox``; an unknown option in the link raises a notice."""
    return _choice(st.selectbox, label, options, key=key, index=index, **kw)


def radio(label: str, options: Sequence[Any], *, key: str, index: int = 0, **kw):
    """A URL-bound ``st.radio``; an unknown option in the link raises a notice."""
    return _choice(st.radio, label, options, key=key, index=index, **kw)


def select_slider(label: str, options: Sequence[Any], value, *, key: str, **kw):
    """A URL-bound ``st.select_slider`` (used for log-spaced values such as ``lr``)."""
    name = _labeller(kw.get("format_func"))
    names = [name(o) for o in options]
    check(key, label, names.__contains__, f"one of the {len(names)} marked values", name(value))
    share(key, value, lambda v: _labels(v, name))
    if not isinstance(value, tuple | list):
        _seed(key, names.__contains__, lambda t: options[names.index(t)], _twice)
    return st.select_slider(label, options, value, key=key, bind="query-params", **kw)


def _entries(given: list[str], names: dict) -> list[str]:
    """A multiselect's link entries: one per parameter, or a comma list (``?opt=SGD,Adam``)."""
    return [p.strip() for v in given for p in (v.split(",") if v not in names else [v]) if p.strip()]


def multiselect(label: str, options: Sequence[Any], default: Sequence[Any], *, key: str, **kw):
    """A URL-bound ``st.multiselect`` (a link parameter per entry, or a comma list); unknown entries raise a notice."""
    return _several(st.multiselect, label, options, default, key=key, **kw)


def pills(label: str, options: Sequence[Any], default: Sequence[Any], *, key: str, **kw):
    """URL-bound ``st.pills`` choosing several (chips that wrap, unlike a narrow multiselect's); links as
    ``multiselect``."""
    return _several(st.pills, label, options, default, key=key, selection_mode="multi", **kw) or []


def _several(widget, label: str, options: Sequence[Any], default: Sequence[Any], *, key: str, **kw):
    name = _labeller(kw.get("format_func"))
    by_name = {name(o): o for o in options}
    check(key, label, lambda v: True, "known names", None, many=True)
    given = values(key)
    unknown = [e for e in _entries(given, by_name) if e not in by_name]
    if unknown:
        notice(f"Link value **{label}**: {', '.join(literal(e, 40) for e in unknown[:4])} ignored (not one of the "
               "names offered).")
    share(key, list(default), lambda v: [name(o) for o in v] or [""])
    # Streamlit reads one parameter per entry; a comma list is read here (its known entries, in order).
    _seed(key, lambda t: True, lambda t: [by_name[e] for e in _entries(given, by_name) if e in by_name],
          lambda g: any("," in v and v not in by_name for v in g))
    return widget(label, options, default=default, key=key, bind="query-params", **kw)


def tabs(labels: Sequence[str], *, key: str) -> list:
    """URL-bound tabs whose bodies render lazily: wrap each body in ``if tab.open:``.

    Only the open tab's figures are built and sent on a rerun (a page of five tabs otherwise pays for all five
    on every slider move), and a link reopens the same tab. Switching tabs is a (cheap) rerun. Draw every tab's
    URL-bound controls on every run, in its tab, and only its body under ``if tab.open:``: a control that is not
    drawn loses its link value (Streamlit strips it), so a link made on one tab would drop another tab's settings.
    """
    check(key, "tab", list(labels).__contains__, "one of the tab names", labels[0])
    share(key, labels[0], lambda v: [v])
    return st.tabs(list(labels), key=key, bind="query-params", on_change="rerun")


def _bool_ok(text: str) -> bool:
    return text.lower() in _TRUE | _FALSE


def _bool(key: str, label: str, value: bool) -> None:
    """Check a boolean link value; 1/0, yes/no, on/off are read as true/false (``?present=1``)."""
    check(key, label, _bool_ok, "true or false", value)
    share(key, value, lambda v: ["true" if v else "false"])
    # Streamlit reads true/false alone; a link's 1/0, yes/no, on/off are read here.
    _seed(key, _bool_ok, lambda t: t.lower() in _TRUE, lambda g: _twice(g) or g[-1].lower() not in {"true", "false"})


def checkbox(label: str, value: bool = False, *, key: str, **kw) -> bool:
    """A URL-bound ``st.checkbox``."""
    _bool(key, label, value)
    return st.checkbox(label, value, key=key, bind="query-params", **kw)


def toggle(label: str, value: bool = False, *, key: str, **kw) -> bool:
    """A URL-bound ``st.toggle``."""
    _bool(key, label, value)
    return st.toggle(label, value, key=key, bind="query-params", **kw)


def text_input(label: str, value: str = "", *, key: str, max_chars: int = 200, **kw) -> str:
    """A URL-bound ``st.text_input``; its content is validated by the page (never evaluated)."""
    check(key, label, lambda v: len(v) <= max_chars, f"at most {max_chars} characters", value)
    share(key, value, lambda v: [v])
    return st.text_input(label, value, max_chars=max_chars, key=key, bind="query-params", **kw)


def row(n: int, shown: bool = True) -> list:
    """``n`` columns for controls side by side; for a closed tab's controls (drawn only so their link values stay)
    ``n`` plain contexts instead: the same widgets without ``n + 1`` layout elements to send and render each rerun."""
    return st.columns(n) if shown else [nullcontext()] * n
