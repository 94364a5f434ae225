"""The frame of every page: title and intro, link notices, the error guard, the share link, the shared settings.

The shared settings (seed, show equations) are drawn once in the sidebar by app.py and read only through
`seed()` and `show_equations()`: this module owns their session keys.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlencode

import streamlit as st

from views.ui import links, widgets

_LOG = logging.getLogger("normlab")
SEED, EQUATIONS = "seed", "eq"  # session keys of the shared settings (and their names in the link)


def shared_settings() -> None:
    """The sidebar controls every page shares; app.py draws them so they survive page switches (and stay in the URL)."""
    with st.sidebar:
        st.caption("Shared settings")
        widgets.number_input("Seed", 0, 2**31 - 1, 0, 1, key=SEED, help="Every random draw in the app derives from it.")
        widgets.toggle("Show equations", True, key=EQUATIONS, help="Render each method's update rule or formula.")


def seed() -> int:
    """The app-wide seed from the sidebar."""
    return int(st.session_state.get(SEED) or 0)


def show_equations() -> bool:
    """Whether the sidebar's "Show equations" is on."""
    return bool(st.session_state.get(EQUATIONS, True))


def equation(latex: str) -> None:
    """``st.latex(latex)`` when the sidebar's "Show equations" is on."""
    if show_equations():
        st.latex(latex)


def diverged(name: str, step: int | None) -> str:
    """The one wording the app uses for a run that left the finite world."""
    return f"{name}: diverged at step {step}" if step is not None else name


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
        links.show_notices()
    _share_link()


def share_url() -> str | None:
    """The address that reproduces this view: the page URL plus every bound setting (seed included)."""
    base = st.context.url
    if not base:
        return None
    params = {k: links.values(k) for k in links.params()}
    params.setdefault(SEED, [str(seed())])
    return base + "?" + urlencode(params, doseq=True)


def _share_link() -> None:
    url = share_url()
    if url:
        with st.sidebar, st.expander("Link to this view", icon=":material/share:"):
            st.caption("Copy it (button at the right): it reopens this exact view, seed included.")
            st.code(url, language=None, wrap_lines=True)
