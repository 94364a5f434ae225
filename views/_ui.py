"""Streamlit glue shared by every page: URL-bound controls, link notices and the error guard.

Every control that describes a view is bound to the URL (``bind="query-params"``) so a link reproduces it.
Streamlit silently drops URL values it cannot use; we check them first so the user is told why.
"""

from __future__ import annotations

import gc
import io
import logging
import math
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pyarrow as pa
import streamlit as st
from plotly.basedatatypes import BaseFigure

from viz.theme import plain

_LOG = logging.getLogger("normlab")
_RUN = "_normlab_run"  # per-run scratch in session_state: notices and the keys bound this run
# Every key this session has bound: a control inside a closed lazy tab is not drawn, yet its value in the URL is
# not stale (the tab will bind it again when it opens), so it must not be reported and stripped as unknown.
_BOUND = "_normlab_bound"


def begin_run() -> None:
    """Reset the per-run scratch; app.py calls this before the page runs."""
    st.session_state[_RUN] = {"notices": [], "keys": set()}


def _run() -> dict:
    if _RUN not in st.session_state:
        begin_run()
    return st.session_state[_RUN]


def _url_values(key: str) -> list[str]:
    try:
        return list(st.query_params.get_all(key))
    except Exception:  # a malformed query string must never break the page
        return []


def _check(key: str, label: str, ok: Callable[[str], bool], expects: str, default: Any) -> None:
    """Record a notice when the URL carries a value for ``key`` that Streamlit would drop."""
    _run()["keys"].add(key)
    st.session_state.setdefault(_BOUND, set()).add(key)
    bad = [v for v in _url_values(key) if not _safe(ok, v)]
    if bad:
        shown = bad[0] if len(bad[0]) <= 40 else bad[0][:40] + "…"
        _run()["notices"].append(
            f"Link value **{label}** = `{shown}` ignored (expects {expects}); using {_fmt(default)}."
        )


def _safe(ok: Callable[[str], bool], value: str) -> bool:
    try:
        return bool(ok(value))
    except (ValueError, TypeError, OverflowError):
        return False


def _fmt(value: Any) -> str:
    return f"`{value}`" if value is not None else "the default"


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
    _check(key, label, _number_ok(min_value, max_value, integer), f"a number in [{min_value}, {max_value}]",
           value)
    current = st.session_state.get(key)
    if isinstance(current, int | float) and not min_value <= current <= max_value:  # the range moved under it
        st.session_state[key] = min(max(current, min_value), max_value)
    return st.slider(label, min_value, max_value, value, step, key=key, bind="query-params", **kw)


def number_input(label: str, min_value=None, max_value=None, value=None, step=None, *, key: str, **kw):
    """A URL-bound ``st.number_input`` with the same link checks as ``slider``."""
    given = [v for v in (min_value, max_value, value) if v is not None]
    integer = bool(given) and all(isinstance(v, int) for v in given)
    _check(key, label, _number_ok(min_value, max_value, integer), "a number in range", value)
    return st.number_input(label, min_value, max_value, value, step, key=key, bind="query-params", **kw)


def _choice(widget, label: str, options: Sequence[Any], *, key: str, index: int = 0, **kw):
    names = _option_strings(options, kw.get("format_func"))
    default = names[index] if names and index is not None else None
    _check(key, label, names.__contains__, "one of " + ", ".join(names[:8]) + ("…" if len(names) > 8 else ""),
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
    _check(key, label, names.__contains__, f"one of the {len(names)} marked values", value)
    return st.select_slider(label, options, value, key=key, bind="query-params", **kw)


def multiselect(label: str, options: Sequence[Any], default: Sequence[Any], *, key: str, **kw):
    """A URL-bound ``st.multiselect``; unknown entries in the link raise a notice."""
    names = set(_option_strings(options, kw.get("format_func")))
    _check(key, label, lambda v: all(p in names for p in v.split(",") if p), "known names", list(default))
    return st.multiselect(label, options, default, key=key, bind="query-params", **kw)


def tabs(labels: Sequence[str], *, key: str) -> list:
    """URL-bound tabs whose bodies render lazily: wrap each body in ``if tab.open:``.

    Only the open tab's figures are built and sent on a rerun (a page of five tabs otherwise pays for all five
    on every slider move), and a link reopens the same tab. Switching tabs is a (cheap) rerun.
    """
    _check(key, "tab", list(labels).__contains__, "one of the tab names", labels[0])
    return st.tabs(list(labels), key=key, bind="query-params", on_change="rerun")


def _bool_ok(text: str) -> bool:
    return text.lower() in {"true", "false"}


def checkbox(label: str, value: bool = False, *, key: str, **kw) -> bool:
    """A URL-bound ``st.checkbox``."""
    _check(key, label, _bool_ok, "true or false", value)
    return st.checkbox(label, value, key=key, bind="query-params", **kw)


def toggle(label: str, value: bool = False, *, key: str, **kw) -> bool:
    """A URL-bound ``st.toggle``."""
    _check(key, label, _bool_ok, "true or false", value)
    return st.toggle(label, value, key=key, bind="query-params", **kw)


def text_input(label: str, value: str = "", *, key: str, max_chars: int = 200, **kw) -> str:
    """A URL-bound ``st.text_input``; its content is validated by the page (never evaluated)."""
    _check(key, label, lambda v: len(v) <= max_chars, f"at most {max_chars} characters", value)
    return st.text_input(label, value, max_chars=max_chars, key=key, bind="query-params", **kw)


def linked_example(apply: Callable[[str], None], names: Sequence[str], key: str = "example") -> None:
    """Apply the preset named by a gallery link (``?example=<name>``) once, before the page's widgets exist.

    The parameter then leaves the URL, so the address bar (and "Link to this view") shows the real settings.
    """
    _run()["keys"].add(key)
    values = _url_values(key)
    if not values:
        return
    try:
        del st.query_params[key]
    except Exception:  # already gone: nothing to clean
        pass
    if values[0] in names:
        apply(values[0])
        # Rerun so the widgets meet the preset as settled state rather than as values set in this very run
        # (Streamlit warns about a default value competing with a Session State value).
        st.rerun()
    else:
        shown = values[0][:40]
        _run()["notices"].append(f"Link example `{shown}` is not one of this page's presets; showing the defaults.")


def _show_notices() -> None:
    run = _run()
    known = run["keys"] | st.session_state.get(_BOUND, set())
    unknown = [k for k in _url_params() if k not in known and k != "embed" and k != "embed_options"]
    notices = list(dict.fromkeys(run["notices"]))
    if unknown:
        names = ", ".join(f"`{k[:30]}`" for k in unknown[:6])
        notices.append(f"Unknown link parameter(s) {names} ignored.")
        for k in unknown:
            try:
                del st.query_params[k]
            except Exception:  # bound or already gone: nothing to clean
                pass
    if notices:
        st.info("  \n".join(notices), icon=":material/link_off:")


def _url_params() -> list[str]:
    try:
        return list(st.query_params.keys())
    except Exception:
        return []


@contextmanager
def page(title: str, intro: str) -> Iterator[None]:
    """Title, one teaching paragraph, then the page body; link notices and errors are shown, never raised."""
    st.title(title)
    st.markdown(intro)
    notices = st.container()
    try:
        yield
    except Exception as exc:  # the user sees a sentence, the log keeps the traceback
        _LOG.exception("page %s failed", title)
        st.error(f"This view hit a problem it could not recover from ({type(exc).__name__}: {exc}). "
                 "Change a setting or reset the page; the rest of the app keeps working.")
    with notices:
        _show_notices()
    _share_link()


def share_url() -> str | None:
    """The address that reproduces this view: the page URL plus every bound setting (seed included)."""
    base = st.context.url
    if not base:
        return None
    params = {k: _url_values(k) for k in _url_params()}
    params.setdefault("seed", [str(st.session_state.get("seed", 0))])
    return base + "?" + urlencode(params, doseq=True)


def _share_link() -> None:
    url = share_url()
    if url:
        with st.sidebar, st.expander("Link to this view", icon=":material/share:"):
            st.caption("Copy it (button at the right): it reopens this exact view, seed included.")
            st.code(url, language=None, wrap_lines=True)


class _Plain(BaseFigure):
    """A figure already in the plain form ``viz.theme.plain`` gives, on its way into ``st.plotly_chart``.

    Given a Figure, Streamlit calls ``to_dict`` (a deep copy, then a walk that base64-encodes every array); given a
    dict, it rebuilds and validates a whole Figure. A plain spec has had that done once, when it was cached. Only
    ``to_dict`` is ever called, so ``BaseFigure.__init__`` (the costly part) is skipped on purpose.
    """

    def __init__(self, spec: dict):  # noqa: D107 (not BaseFigure.__init__: see the class docstring)
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec


def chart(fig, **kw):
    """``st.plotly_chart`` of a Figure, or of a plain spec (``viz.theme.plain``, e.g. from a cache) without
    rebuilding a Figure from it: a cached chart then costs its JSON encoding only, not ~5-15 ms of plotly objects.

    The spec must not be mutated afterwards (it is sent as is); cache_data hands every run its own copy.
    """
    return st.plotly_chart(_Plain(fig) if isinstance(fig, dict) else fig, **kw)


def table(rows: list[dict], **kw):
    """``st.dataframe`` of row dicts, handed over as an Arrow table: given a list, Streamlit builds a pandas frame
    first (~1 ms a table on every rerun). Columns of mixed types, which Arrow refuses, take Streamlit's own path."""
    try:
        data = pa.Table.from_pylist(rows)
    except (pa.ArrowException, TypeError, ValueError):
        data = rows
    return st.dataframe(data, **kw)


@st.cache_data(max_entries=128, ttl=3600, show_spinner=False)
def _figure_dict(name: str, inputs: Hashable, _build: Callable) -> dict:
    return plain(_build())


_SCALARS = (str, int, float, bool, type(None))


def _literal(x) -> bool:
    """Whether x is built of plain Python values only, so that its repr identifies it (no array's "...")."""
    if isinstance(x, _SCALARS):
        return True
    if isinstance(x, tuple | list):
        return all(_literal(v) for v in x)
    if isinstance(x, dict):
        return all(_literal(k) and _literal(v) for k, v in x.items())
    return False


def cached_chart(name: str, inputs: Hashable, build: Callable, **kw):
    """``chart`` of ``build()`` (a figure builder taking no arguments), cached as a plain dict under (name, inputs).

    ``inputs`` must determine the figure completely, e.g. the arguments of the cached computation it draws: the
    builder is not hashed. A rerun that changes nothing the figure shows then pays for its JSON only. Plain inputs
    are keyed by their repr (Streamlit's hashing walks a tuple of a few dozen values in ~0.3 ms).
    """
    return chart(_figure_dict(name, repr(inputs) if _literal(inputs) else inputs, build), **kw)


@st.cache_resource(show_spinner=False)
def freeze_startup_objects() -> None:
    """Once per process, after a first page has run (torch, plotly, numpy loaded): move every live object into the
    garbage collector's permanent generation.

    With ``runner.postScriptGC`` off, Python still runs full collections on its own when many objects survive,
    e.g. every ten or so cold optimizer reruns, and each walked the whole heap: ~170 ms with torch loaded. Frozen,
    a full collection walks only what was made since (~5 ms measured). Later garbage is collected as before; the
    objects frozen here (modules, caches, the first session) are never freed, which they would not be anyway.
    """
    gc.collect()
    gc.freeze()


@st.cache_resource(max_entries=64, show_spinner=False)
def _thumbnail_bytes(path: str, mtime: float, width: int) -> bytes:
    from PIL import Image

    with Image.open(path) as im:
        im = im.convert("RGB")
        im.thumbnail((width, width * 4))
        out = io.BytesIO()
        im.save(out, format="JPEG", quality=85)
    return out.getvalue()


def thumbnail(path: Path, width: int = 640) -> None:
    """``st.image`` of a screenshot, shrunk and JPEG-encoded once per file version.

    Given a PNG path, Streamlit decodes and re-encodes it on every rerun (most of the home page's CPU time);
    JPEG bytes already at display size pass straight through.
    """
    if path.exists():
        st.image(_thumbnail_bytes(str(path), path.stat().st_mtime, width), width="stretch", output_format="JPEG")


def diverged(name: str, step: int | None) -> str:
    """The one wording the app uses for a run that left the finite world."""
    return f"{name}: diverged at step {step}" if step is not None else name
