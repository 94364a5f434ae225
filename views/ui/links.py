"""The link's side of a view: values read from the URL, checked before Streamlit drops them, the notices saying so,
and the link that reproduces the view.

Every control that describes a view is bound to the URL (views.ui.widgets), so a link reproduces it. Streamlit
silently drops URL values it cannot use; each control checks its value here first, so the user is told why. Every
string that came from the URL reaches a notice through views.ui.text, so it is shown, never rendered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from views.ui import first_paint
from views.ui.text import literal

_RUN = "_normlab_run"  # per-run scratch in session_state: notices, the keys bound this run and how to write them
# Every key this session has bound: a control that is not drawn this run (say, under another choice of a radio)
# must not have its link value reported and stripped as unknown when it comes back.
_BOUND = "_normlab_bound"
IGNORED = ("embed", "embed_options")  # Streamlit's own parameters
_KEPT = "_normlab_first_notices"  # a first paint's notices, for the rerun that draws the whole page


def begin_run() -> None:
    """Reset the per-run scratch; app.py calls this before the page runs."""
    st.session_state[_RUN] = {"notices": [], "keys": set(), "shared": {}}


def _run() -> dict:
    if _RUN not in st.session_state:
        begin_run()
    return st.session_state[_RUN]


def values(key: str) -> list[str]:
    """Every value the URL carries for ``key`` (none if the query string is malformed)."""
    try:
        return list(st.query_params.get_all(key))
    except Exception:  # a malformed query string must never break the page
        return []


def params() -> list[str]:
    """The names in the URL's query string."""
    try:
        return list(st.query_params.keys())
    except Exception:
        return []


def notice(text: str) -> None:
    """Add one sentence to this run's link notices (markdown: user text in it must already be escaped)."""
    _run()["notices"].append(text)


def check(key: str, label: str, ok: Callable[[str], bool], expects: str, default: Any, *, many: bool = False) -> None:
    """Record ``key`` as bound, and a notice for every URL value for it that Streamlit would drop or override.

    many: the control takes several values (a multiselect: one parameter per entry). A single-valued control
    given the key twice keeps the last value (Streamlit's rule), which the notice says.
    """
    _run()["keys"].add(key)
    st.session_state.setdefault(_BOUND, set()).add(key)
    given = values(key)
    if not many and len(given) > 1:
        shown = ", ".join(literal(v, 20) for v in given[:4]) + (", …" if len(given) > 4 else "")
        notice(f"Link value **{label}** given {len(given)} times ({shown}); a link sets it once, so only the "
               f"last counts.")
        given = given[-1:]
    bad = [v for v in given if not _safe(ok, v)]
    if bad:
        notice(f"Link value **{label}** = {literal(bad[0], 40)} ignored (expects {expects}); using "
               f"{_fmt(default)}.")


def _safe(ok: Callable[[str], bool], value: str) -> bool:
    try:
        return bool(ok(value))
    except (ValueError, TypeError, OverflowError):
        return False


def _fmt(value: Any) -> str:
    return literal(value) if value is not None else "the default"


def share(key: str, default: Any, written: Callable[[Any], list[str]]) -> None:
    """Put control ``key`` into "Link to this view": ``written(value)`` gives its URL values (Streamlit's form).

    Only a value that differs from ``default`` is written, as Streamlit keeps the address bar.
    """
    _run()["shared"][key] = (default, written)


def share_query(always: dict[str, str]) -> str:
    """The query string of every shared control whose value differs from its default, plus ``always``."""
    pairs = []
    for key, (default, written) in _run()["shared"].items():
        if key in always or key not in st.session_state:
            continue
        value = st.session_state[key]
        if value != default:
            pairs += [(key, v) for v in written(value)]
    return urlencode(pairs + list(always.items()))


def apply_example(apply: Callable[[str], None], names: Sequence[str], key: str = "example") -> None:
    """Apply the preset named by a gallery link (``?example=<name>``) once, before the page's widgets exist.

    The parameter then leaves the URL, so the address bar (and "Link to this view") shows the real settings.
    """
    _run()["keys"].add(key)
    given = values(key)
    if not given:
        return
    try:
        del st.query_params[key]
    except Exception:  # already gone: nothing to clean
        pass
    if given[-1] in names:
        apply(given[-1])
        # Rerun so the widgets meet the preset as settled state rather than as values set in this very run
        # (Streamlit warns about a default value competing with a Session State value), whole (first_paint.skip).
        first_paint.skip()
        st.rerun()
    else:
        notice(f"Link example {literal(given[-1], 40)} is not one of this page's presets; showing the defaults.")


def pending() -> None:
    """This run left controls undrawn (a job's progress bar stands where they go): the URL keeps its parameters
    for the run that draws them, and only that run reports the unknown ones."""
    _run()["pending"] = True


def show_notices() -> None:
    """One info box with this run's link notices; unknown parameters are named and removed from the URL."""
    run = _run()
    known = run["keys"] | st.session_state.get(_BOUND, set())
    unknown = [] if run.get("pending") else [k for k in params() if k not in known and k not in IGNORED]
    notices = list(dict.fromkeys(run["notices"]))
    if unknown:
        names = ", ".join(literal(k, 30) for k in unknown[:6]) + (", …" if len(unknown) > 6 else "")
        notices.append(f"Unknown link parameter(s) {names} ignored.")
        for k in unknown:
            try:
                del st.query_params[k]
            except Exception:  # bound or already gone: nothing to clean
                pass
    # A new tab's first paint (views.ui.first_paint) is followed by the run that draws the whole page. The first run
    # said what it refused and took those values out of the URL, so the run after it would have nothing to say.
    notices = list(dict.fromkeys(st.session_state.pop(_KEPT, []) + notices))
    if first_paint.wanted():
        st.session_state[_KEPT] = notices
    if notices:
        st.info("  \n".join(notices), icon=":material/link_off:")
