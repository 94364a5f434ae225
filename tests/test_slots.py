"""Page runs take turns: the run slot of views/ui/server.py admits one run at a time and releases it on any exit."""

import threading
import time

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetStates

from views.ui import server as _slots


def test_a_second_run_waits_for_the_first():
    order, inside = [], threading.Event()

    def first():
        with _slots.run_slot():
            inside.set()
            time.sleep(0.2)
            order.append("first done")

    def second():
        inside.wait()
        with _slots.run_slot():
            order.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert order == ["first done", "second in"]


def test_an_interrupted_run_gives_its_slot_back():
    """Streamlit stops and reruns scripts by raising through them (StopException, RerunException)."""
    with pytest.raises(RuntimeError):
        with _slots.run_slot():
            raise RuntimeError("rerun")
    assert not _slots.TURNS.busy


def test_a_fragment_drawn_by_the_page_run_does_not_wait_for_its_own_slot():
    """server.fragment's first run happens inside the page run that holds the slot: it must not queue behind it."""
    done = threading.Event()

    def page_run():
        with _slots.run_slot(), _slots.run_slot():  # the page run, then its fragment's first run
            done.set()

    t = threading.Thread(target=page_run)
    t.start()
    t.join(5)
    assert done.is_set() and not _slots.TURNS.busy


def test_a_fragment_rerun_takes_its_turn_behind_a_page_run():
    order, inside = [], threading.Event()

    def page_run():
        with _slots.run_slot():
            inside.set()
            time.sleep(0.2)
            order.append("page run done")

    def fragment_rerun():  # another session's slider tick: a fragment rerun starts outside any page run
        inside.wait()
        with _slots.run_slot("another session"):
            order.append("fragment in")

    threads = [threading.Thread(target=page_run), threading.Thread(target=fragment_rerun)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert order == ["page run done", "fragment in"]


def test_a_fragment_rerun_that_fails_says_so_in_one_sentence():
    """A fragment reruns alone, outside frame.page's guard: server.fragment gives its errors the same sentence."""
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        from views.ui import server

        @server.fragment
        def ticked():
            if st.slider("Steps", 0, 10, 0, key="s") > 0:
                raise RuntimeError("a bug")
            st.write("fine")

        ticked()

    at = AppTest.from_function(script).run()
    assert not at.exception and not at.error
    at.slider(key="s").set_value(3).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "This view hit a problem it could not recover from (RuntimeError: a bug). Change a setting or reset the "
        "page; the rest of the app keeps working."]


def test_a_stale_fragment_rerun_draws_the_move_that_came_after_it(monkeypatch):
    """A slider move inside a fragment does not interrupt the session's run in progress (Streamlit's rule), so a
    fragment rerun that waited for its turn takes a newer request for itself and applies its widget values; a newer
    full page run replaces it; another fragment's request is left to run after it."""
    from types import SimpleNamespace

    from streamlit.runtime.scriptrunner import RerunException
    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData, ScriptRequests

    requests, applied = ScriptRequests(), []
    state = SimpleNamespace(on_script_will_rerun=lambda states, **kw: applied.append(states))
    ctx = SimpleNamespace(script_requests=requests, session_state=state, cached_message_hashes=frozenset({"a", "b"}))
    monkeypatch.setattr(_slots, "get_script_run_ctx", lambda: ctx)
    monkeypatch.setattr(_slots.ThreadState, "get", staticmethod(lambda: SimpleNamespace(fragment_id="steps")))
    _slots.superseded()  # nothing newer: the run goes on
    assert applied == []

    newer = RerunData(query_string="steps=510", fragment_id="steps", widget_states=WidgetStates(),
                      cached_message_hashes=frozenset({"b", "c"}))  # the browser dropped "a" since the stale move
    assert requests.request_rerun(newer)
    _slots.superseded()  # the newer move of this fragment: its values, in this run
    assert applied == [newer.widget_states]
    assert ctx.cached_message_hashes == {"b", "c"}  # "a" is sent in full again, never referenced
    _slots.superseded()  # taken: nothing left to run after this one
    assert len(applied) == 1

    assert requests.request_rerun(RerunData(query_string="cell=3", fragment_id="cell"))
    _slots.superseded()  # another fragment's: left in the queue
    assert len(applied) == 1 and requests.on_scriptrunner_ready().rerun_data.fragment_id_queue == ["cell"]

    assert requests.request_rerun(RerunData(query_string="seed=1"))  # a full page run
    with pytest.raises(RerunException) as full:
        _slots.superseded()
    assert full.value.rerun_data.query_string == "seed=1"
