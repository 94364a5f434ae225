"""URL-bound controls: each Streamlit widget a page uses, bound to the link (``bind="query-params"``) and checked.

A value in the link that the widget cannot take (out of range, unknown option) becomes a notice (views.ui.links)
instead of vanishing silently; the widget then shows its default.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from views.ui.links import check


def _number_ok(lo: float | None, hi: float | None, integer: bool) -> Callable[[str], bool]:
    def ok(text: str) -> bool:
        x = float(text)
        if not math.isfinite(x) or (integer and x != int(x)):
            return False
        return (lo is None or x >= lo) and (hi is None or x <= hi)

    return ok


def _option_strings(options: Sequence[Any], format_func: Callable[[Any], str] | None) -> list[str]:
    # Streamlit writes an option to the URL as its formatted label.
    f = format_func or str
    return [str(f(o)) for o in options]


def slider(label: str, min_value, max_value, value, step=None, *, key: str, **kw):
    """A URL-bound ``st.slider`` whose out-of-range or non-numeric link values raise a notice."""
    integer = all(isinstance(v, int) for v in (min_value, max_value, value))
    check(key, label, _number_ok(min_value, max_value, integer), f"a number in [{min_value}, {max_value}]", value)
    current = st.session_state.get(key)
    if isinstance(current, int | float) and not min_value <= current <= max_value:  # the range moved under it
        st.session_state[key] = min(max(current, min_value), max_value)
    return st.slider(label, min_value, max_value, value, step, key=key, bind="query-params", **kw)


def number_input(label: str, min_value=None, max_value=None, value=None, step=None, *, key: str, **kw):
    """A URL-bound ``st.number_input`` with the same link checks as ``slider``."""
    given = [v for v in (min_value, max_value, value) if v is not None]
    integer = bool(given) and all(isinstance(v, int) for v in given)
    check(key, label, _number_ok(min_value, max_value, integer), "a number in range", value)
    return st.number_input(label, min_value, max_value, value, step, key=key, bind="query-params", **kw)


def _choice(widget, label: str, options: Sequence[Any], *, key: str, index: int = 0, **kw):
    names = _option_strings(options, kw.get("format_func"))
    default = names[index] if names and index is not None else None
    check(key, label, names.__contains__, "one of " + ", ".join(names[:8]) + ("…" if len(names) > 8 else ""),
          default)
    return widget(label, options, index=index, key=key, bind="query-params", **kw)


def selectbox(label: str, options: Sequence[Any], *, key: str, index: int = 0, **kw):
    """A URL-bound ``st.selectbox``; an unknown option in the link raises a notice."""
    return _choice(st.selectbox, label, options, key=key, index=index, **kw)


def radio(label: str, options: Sequence[Any], *, key: str, index: int = 0, **kw):
    """A URL-bound ``st.radio``; an unknown option in the link raises a notice."""
    return _choice(st.radio, label, options, key=key, index=index, **kw)


def select_slider(label: str, options: Sequence[Any], value, *, key: str, **kw):
    """A URL-bound ``st.select_slider`` (used for log-spaced values such as ``lr``)."""
    names = _option_strings(options, kw.get("format_func"))
    check(key, label, names.__contains__, f"one of the {len(names)} marked values", value)
    return st.select_slider(label, options, value, key=key, bind="query-params", **kw)


def multiselect(label: str, options: Sequence[Any], default: Sequence[Any], *, key: str, **kw):
    """A URL-bound ``st.multiselect``; unknown entries in the link raise a notice."""
    names = set(_option_strings(options, kw.get("format_func")))
    check(key, label, lambda v: all(p in names for p in v.split(",") if p), "known names", list(default))
    return st.multiselect(label, options, default, key=key, bind="query-params", **kw)


def tabs(labels: Sequence[str], *, key: str) -> list:
    """URL-bound tabs whose bodies render lazily: wrap each body in ``if tab.open:``.

    Only the open tab's figures are built and sent on a rerun (a page of five tabs otherwise pays for all five
    on every slider move), and a link reopens the same tab. Switching tabs is a (cheap) rerun.
    """
    check(key, "tab", list(labels).__contains__, "one of the tab names", labels[0])
    return st.tabs(list(labels), key=key, bind="query-params", on_change="rerun")


def _bool_ok(text: str) -> bool:
    return text.lower() in {"true", "false"}


def checkbox(label: str, value: bool = False, *, key: str, **kw) -> bool:
    """A URL-bound ``st.checkbox``."""
    check(key, label, _bool_ok, "true or false", value)
    return st.checkbox(label, value, key=key, bind="query-params", **kw)


def toggle(label: str, value: bool = False, *, key: str, **kw) -> bool:
    """A URL-bound ``st.toggle``."""
    check(key, label, _bool_ok, "true or false", value)
    return st.toggle(label, value, key=key, bind="query-params", **kw)


def text_input(label: str, value: str = "", *, key: str, max_chars: int = 200, **kw) -> str:
    """A URL-bound ``st.text_input``; its content is validated by the page (never evaluated)."""
    check(key, label, lambda v: len(v) <= max_chars, f"at most {max_chars} characters", value)
    return st.text_input(label, value, max_chars=max_chars, key=key, bind="query-params", **kw)
