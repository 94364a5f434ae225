"""Page runs take turns: the run slot of views/ui/server.py admits one run at a time and releases it on any exit."""

import threading
import time

import pytest

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
