"""The frame of every page: title and intro, link notices, the error guard, the share link, the shared settings.

The shared settings (seed, show equations, presentation mode) are drawn once in the sidebar by app.py and read only
through `seed()`, `show_equations()` and `presenting()`: this module owns their session keys.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

from views.ui import links, widgets
from views.ui.text import plain

_LOG = logging.getLogger("normlab")
SEED, EQUATIONS, PRESENT = "seed", "eq", "present"  # session keys of the shared settings (and their link names)
STATIC = Path(__file__).resolve().parents[2] / "static"
# Presentation mode's look (captions folded away, compact top, larger type), read once: st.html of style tags alone
# goes to Streamlit's event container and takes no room on the page.
PRESENT_CSS = f"<style>{(STATIC / 'present.css').read_text()}</style>"


def shared_settings() -> None:
    """The sidebar controls every page shares; app.py draws them so they survive page switches (and stay in the URL)."""
    with st.sidebar:
        st.caption("Shared settings")
        widgets.number_input("Seed", 0, 2**31 - 1, 0, 1, key=SEED, help="Every random draw in the app derives from it.")
        widgets.toggle("Show equations", True, key=EQUATIONS, help="Render each method's update rule or formula.")
        widgets.toggle("Presentation mode", False, key=PRESENT,
                       help="For a projector: prose folded away, sidebar closed, larger type and lines. "
                            "A link with ?present=1 opens a view this way.")
    if presenting():
        st.html(PRESENT_CSS)


def seed() -> int:
    """The app-wide seed from the sidebar."""
    return int(st.session_state.get(SEED) or 0)


def show_equations() -> bool:
    """Whether the sidebar's "Show equations" is on."""
    return bool(st.session_state.get(EQUATIONS, True))


def presenting() -> bool:
    """Whether presentation mode is on (the sidebar toggle, or ``?present=1`` before the toggle is drawn)."""
    if PRESENT in st.session_state:
        return bool(st.session_state[PRESENT])
    given = links.values(PRESENT)
    return bool(given) and given[-1].lower() in {"true", "1", "yes", "on"}


def equation(latex: str) -> None:
    """``st.latex(latex)`` when the sidebar's "Show equations" is on."""
    if show_equations():
        st.latex(latex)


def prose(text: str) -> None:
    """A paragraph of teaching prose (markdown), folded away in presentation mode: the teacher says it."""
    if not presenting():
        st.markdown(text)


class _Stopped(BaseException):  # noqa: N818 (a control-flow signal, like StopIteration, not an error)
    """Raised by `stop()`: the page body ends here, the frame still draws its notices and share link."""


def stop() -> None:
    """End the page body here (after saying why), keeping its link notices and "Link to this view".

    Use it instead of ``st.stop()``, which makes Streamlit refuse every element drawn after it, the notice that a
    link value was refused included.
    """
    raise _Stopped


def diverged(name: str, step: int | None) -> str:
    """The one wording the app uses for a run that left the finite world."""
    return f"{name}: diverged at step {step}" if step is not None else name


@contextmanager
def page(title: str, intro: str) -> Iterator[None]:
    """Title, one teaching paragraph (folded away in presentation mode), then the page body; link notices and errors
    are shown, never raised.

    The notices and the share link are drawn however the body ends, `stop()` included (a page that refuses a
    link value stops early, and the notice saying why must still show).
    """
    st.title(title)
    prose(intro)
    notices = st.container()
    try:
        yield
    except _Stopped:
        pass
    except Exception as exc:  # the user sees a sentence, the log keeps the traceback
        _LOG.exception("page %s failed", title)
        # The message can quote a link value (an expression, a name): shown as text, never as markdown.
        st.error(f"This view hit a problem it could not recover from ({type(exc).__name__}: {plain(exc, 300)}). "
                 "Change a setting or reset the page; the rest of the app keeps working.")
    _finish(notices)


def _finish(notices) -> None:
    with notices:
        links.show_notices()
    _share_link()


def share_url() -> str:
    """The address that reproduces this view: the page URL plus every setting that differs from its default, and
    the seed. Built from the controls' values (not the address bar), so a tab's settings are in it whichever tab
    is open."""
    return (st.context.url or "") + "?" + links.share_query({SEED: str(seed())})


def _share_link() -> None:
    with st.sidebar, st.expander("Link to this view", icon=":material/share:"):
        st.caption("Copy it (button at the right): it reopens this exact view, seed included.")
        st.code(share_url(), language=None, wrap_lines=True)
