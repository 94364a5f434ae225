"""Closed tabs' sessions are shut down when Streamlit forgets them, so what they registered is freed with them.

Streamlit keeps a disconnected session for a reconnect (up to 128 of them, for ``server.disconnectedSessionTTL``:
20 s in .streamlit/config.toml), then drops it from its store without shutting it down (1.67). Shutdown is what
releases a session's references in the media file manager: a download button's callable, and all it holds,
stayed in memory for the life of the process, one per closed tab. With the optimizer page's downloads that was a
whole race per distinct link (+1.1 GB after 25 links, make load, adversary). Here the store tells us when it
drops a session; once the event loop has settled the change (a session resumed by its tab was removed from the
store too, and is active again by then), a session that is neither active nor stored is shut down, exactly as
Streamlit shuts down a session it closes itself.
"""

from __future__ import annotations

import streamlit as st
from streamlit import runtime


def install() -> bool:
    """Hook the runtime's session store (once per process); False where there is no runtime or no such store."""
    return _installed() if runtime.exists() else False


@st.cache_resource(show_spinner=False)
def _installed() -> bool:
    return hook(getattr(runtime.get_instance(), "_session_mgr", None))  # None under AppTest's mock runtime


def hook(manager) -> bool:
    """Shut down each session ``manager``'s store drops, once it is neither active nor stored (see above)."""
    cache = getattr(getattr(manager, "_session_storage", None), "_cache", None)
    if cache is None or not hasattr(cache, "_on_remove"):  # another store, or another Streamlit: leave it be
        return False
    before = cache._on_remove

    def on_remove(session_id, info) -> None:
        if before is not None:
            before(session_id, info)
        # Called inside the store's lock, in the middle of a connect or disconnect: decide after it is done.
        loop = getattr(info.session, "_event_loop", None)
        if loop is not None:  # never raise here: it would break the connect or disconnect itself
            loop.call_soon_threadsafe(_reap, manager, info.session)

    cache._on_remove = on_remove
    return True


def _reap(manager, session) -> None:
    """Shut ``session`` down unless it is active again or still waits in the store for its tab."""
    if manager.is_active_session(session.id) or manager.get_session_info(session.id) is not None:
        return
    session.shutdown()  # idempotent: a session closed by Streamlit itself was already shut down
