"""The frame of every page: title and intro, link notices, the error guard, the share link, the shared settings.

The shared settings (seed, show equations, presentation mode) are drawn once in the sidebar by app.py and read only
through `seed()`, `show_equations()` and `presenting()`: this module owns their session keys.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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


def tab(pane, intro: str, controls: Callable[[], Any], body: Callable[[Any], None]) -> None:
    """One lazy tab (``widgets.tabs``): its intro and body only when open, its URL-bound controls on every run (a
    control that is not drawn loses its link value, so a link made on another tab would drop this one's)."""
    with pane:
        if pane.open:
            prose(intro)
        settings = controls()
        if pane.open:
            body(settings)


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
    with guard(f"page {title}"):
        yield
    _finish(notices)


def failed(exc: BaseException) -> str:
    """The one sentence a view shows for an error it could not recover from; it can quote a link value (an
    expression, a name), so the message goes in as text, never as markdown."""
    return (f"This view hit a problem it could not recover from ({type(exc).__name__}: {plain(exc, 300)}). "
            "Change a setting or reset the page; the rest of the app keeps working.")


@contextmanager
def guard(what: str, where=None) -> Iterator[None]:
    """The block's errors become `failed`'s sentence (in ``where``, else where the block was) and a logged traceback;
    `stop()` ends the block quietly. ``frame.page`` guards a page run; ``server.fragment`` each rerun of a fragment
    alone (outside the page run, so outside its guard)."""
    try:
        yield
    except _Stopped:
        pass
    except Exception as exc:  # the user sees a sentence, the log keeps the traceback
        _LOG.exception("%s failed", what)
        (where if where is not None else st).error(failed(exc))


def _finish(notices) -> None:
    with notices:
        links.show_notices()
    _share_link()


def share_url() -> str:
    """The address that reproduces this view: the page URL plus every setting that differs from its default, and
    the seed. Built from the controls' values (not the address bar), so a tab's settings are in it whichever tab
    is open."""
    return (st.context.url or "") + "?" + links.share_query({SEED: str(seed())})


# The link as the browser shows it: a fragment's rerun (a slider inside st.fragment) updates the address bar but
# not the sidebar, so the element reads the live address (every bound control writes its value there) and adds
# the seed; the server's link (``share_url``, from a full run) is its first text and what tests read.
_SHARE_JS = """
export default function ({ data, parentElement }) {
  let box = parentElement.querySelector("div.nl-share");
  if (!box) {
    box = document.createElement("div");
    box.className = "nl-share";
    box.innerHTML = '<code style="display:block;white-space:pre-wrap;word-break:break-all;font-size:0.8rem;' +
      'padding:0.5rem;border-radius:0.4rem;background:rgba(128,128,128,0.12)"></code>' +
      '<button type="button" style="margin-top:0.4rem;font:inherit;font-size:0.85rem;cursor:pointer;' +
      'padding:0.2rem 0.6rem;border-radius:0.4rem;border:1px solid rgba(128,128,128,0.5);' +
      'background:transparent;color:inherit">Copy link</button>';
    parentElement.appendChild(box);
  }
  const code = box.querySelector("code"), button = box.querySelector("button");
  box.seed = data.seed;
  const live = () => {
    const u = new URL(window.location.href);
    if (!u.searchParams.has("seed")) u.searchParams.set("seed", box.seed);
    return u.toString();
  };
  code.textContent = data.share;
  const show = () => {
    if (!document.body.contains(box)) { clearInterval(box.timer); return; }
    code.textContent = live();
  };
  if (!box.timer) box.timer = setInterval(show, 500);
  button.onclick = () => {
    const text = live();
    (navigator.clipboard ? navigator.clipboard.writeText(text) : Promise.reject()).then(
      () => { button.textContent = "Copied"; setTimeout(() => { button.textContent = "Copy link"; }, 1500); },
      () => { const r = document.createRange(); r.selectNodeContents(code); getSelection().removeAllRanges();
              getSelection().addRange(r); });
  };
}
"""
# The styles of static tables (views.ui.tables) ride on this element, which every page draws: an st.html of them
# would bring its own script (the HTML element and its sanitizer) to every new tab.
_SHARE = st.components.v2.component("normlab_share_link", js=_SHARE_JS, css=(STATIC / "tables.css").read_text(),
                                    isolate_styles=False)


def _share_link() -> None:
    with st.sidebar, st.expander("Link to this view", icon=":material/share:"):
        st.caption("It reopens this exact view, seed included.")
        _SHARE(key="share_link", data={"share": share_url(), "seed": str(seed())})
