"""The link's side of a view: values read from the URL, checked before Streamlit drops them, and the notices saying so.

Every control that describes a view is bound to the URL (views.ui.widgets), so a link reproduces it. Streamlit
silently drops URL values it cannot use; each control checks its value here first, so the user is told why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

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


def check(key: str, label: str, ok: Callable[[str], bool], expects: str, default: Any) -> None:
    """Record ``key`` as bound, and a notice when the URL carries a value for it that Streamlit would drop."""
    _run()["keys"].add(key)
    st.session_state.setdefault(_BOUND, set()).add(key)
    bad = [v for v in values(key) if not _safe(ok, v)]
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
    if given[0] in names:
        apply(given[0])
        # Rerun so the widgets meet the preset as settled state rather than as values set in this very run
        # (Streamlit warns about a default value competing with a Session State value).
        st.rerun()
    else:
        shown = given[0][:40]
        _run()["notices"].append(f"Link example `{shown}` is not one of this page's presets; showing the defaults.")


def show_notices() -> None:
    """One info box with this run's link notices; unknown parameters are named and removed from the URL."""
    run = _run()
    known = run["keys"] | st.session_state.get(_BOUND, set())
    unknown = [k for k in params() if k not in known and k != "embed" and k != "embed_options"]
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
