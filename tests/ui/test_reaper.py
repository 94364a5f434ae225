"""views.ui.reaper: a session Streamlit's store drops (expired or evicted) is shut down; one resumed by its tab is not.

Streamlit's own MemorySessionStorage, with a tiny TTL and size; the manager is its session lookup (active first,
then the store), and each session counts its shutdowns.
"""

import time

from streamlit.runtime.memory_session_storage import MemorySessionStorage
from streamlit.runtime.session_manager import SessionInfo

from views.ui import reaper


class _Loop:
    """The event loop's call_soon_threadsafe: calls kept, run when the test lets the loop settle."""

    def __init__(self):
        self.calls = []

    def call_soon_threadsafe(self, fn, *args):
        self.calls.append((fn, args))


class _Session:
    def __init__(self, sid: str, loop):
        self.id, self._event_loop, self.shutdowns = sid, loop, 0

    def shutdown(self):
        self.shutdowns += 1


class _Manager:
    """WebsocketSessionManager's lookups over a real store: active sessions first, then the stored ones."""

    def __init__(self, maxsize=2, ttl=0.2):
        self._session_storage = MemorySessionStorage(maxsize=maxsize, ttl_seconds=ttl)
        self.active: dict[str, _Session] = {}

    def is_active_session(self, sid):
        return sid in self.active

    def get_session_info(self, sid):
        return self.active.get(sid) or self._session_storage.get(sid)

    def disconnect(self, s):  # a tab closed: kept for a reconnect
        self.active.pop(s.id, None)
        self._session_storage.save(SessionInfo(client=None, session=s))

    def resume(self, s):  # the tab came back: taken out of the store, active again in the same step
        self._session_storage.delete(s.id)
        self.active[s.id] = s


def _settle(loop):
    while loop.calls:
        fn, args = loop.calls.pop(0)
        fn(*args)


def test_an_expired_session_is_shut_down_once_the_store_reaps_it():
    loop = _Loop()
    m = _Manager(ttl=0.05)
    assert reaper.hook(m)
    old, new = _Session("old", loop), _Session("new", loop)
    m.disconnect(old)
    time.sleep(0.1)
    m.disconnect(new)  # a write reaps what expired
    _settle(loop)
    assert (old.shutdowns, new.shutdowns) == (1, 0)


def test_the_least_recent_session_evicted_from_a_full_store_is_shut_down():
    loop = _Loop()
    m = _Manager(maxsize=2, ttl=60)
    reaper.hook(m)
    sessions = [_Session(f"s{i}", loop) for i in range(3)]
    for s in sessions:
        m.disconnect(s)
    _settle(loop)
    assert [s.shutdowns for s in sessions] == [1, 0, 0]


def test_a_session_resumed_by_its_tab_is_not_shut_down():
    loop = _Loop()
    m = _Manager(ttl=60)
    reaper.hook(m)
    s = _Session("back", loop)
    m.disconnect(s)
    m.resume(s)
    _settle(loop)
    assert s.shutdowns == 0 and m.is_active_session("back")


def test_a_store_of_another_kind_is_left_alone():
    class Other:
        _session_storage = object()

    assert not reaper.hook(Other()) and not reaper.hook(None)
