"""views.ui.turns: the run slot goes to the session that used it least recently; jobs wait for idle moments."""

import threading
import time

from views.ui.turns import Turns


class _Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def test_a_session_clock_advances_by_the_time_its_runs_held_the_slot():
    clock = _Clock()
    turns = Turns(clock=clock)
    with turns.turn("heavy"):
        clock.t += 2.0
    assert turns.tag("heavy") == 2.0 and turns.tag("fresh") == 0.0
    with turns.turn("fresh"):  # the slot's virtual time moves to the tag of the run started last
        clock.t += 0.1
    with turns.turn("heavy"):
        clock.t += 1.0
    assert abs(turns.tag("heavy") - 3.0) < 1e-9 and turns.tag("idle") == 2.0  # an idle session saved no credit


def _run_queue(turns, holder_done, names):
    """Start one waiting run per name while the slot is held, in this order; return the order they ran in."""
    order, threads = [], []
    for who in names:
        def run(who=who):
            with turns.turn(who):
                order.append(who)
        t = threading.Thread(target=run)
        t.start()
        threads.append(t)
        deadline = time.monotonic() + 2
        while len(turns._queue) < len(threads) and time.monotonic() < deadline:  # queued before the next arrives
            time.sleep(0.005)
    holder_done.set()
    for t in threads:
        t.join(5)
    return order


def test_a_light_session_overtakes_a_heavy_one_that_queued_first():
    turns = Turns()
    with turns.turn("heavy"):  # the heavy session held the slot for a while
        time.sleep(0.2)
    done = threading.Event()

    def hold():
        with turns.turn("holder"):
            done.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    while not turns.busy:
        time.sleep(0.005)
    order = _run_queue(turns, done, ["heavy", "student-1", "student-2"])
    holder.join(5)
    assert order == ["student-1", "student-2", "heavy"]  # equals keep their arrival order


def test_an_interrupted_run_gives_its_turn_back():
    turns = Turns()
    try:
        with turns.turn("a"):
            raise RuntimeError("rerun")  # Streamlit stops and reruns scripts by raising through them
    except RuntimeError:
        pass
    assert not turns.busy
    assert turns.idle(0.01)


def test_idle_waits_for_the_runs_and_gives_up_after_its_timeout():
    turns = Turns()
    release = threading.Event()

    def hold():
        with turns.turn("student"):
            release.wait(5)

    t = threading.Thread(target=hold)
    t.start()
    while not turns.busy:
        time.sleep(0.005)
    assert not turns.idle(0.05)  # a run holds the slot: the job keeps waiting, then goes on
    threading.Timer(0.1, release.set).start()
    assert turns.idle(5)
    t.join(5)


def test_a_heavy_session_waits_only_until_the_light_ones_used_as_much():
    """No starvation: light sessions coming back again and again pass a waiting heavy run only until their clocks
    reach its tag (fixed when it queued), however often they return."""
    clock = _Clock()
    turns = Turns(clock=clock)
    with turns.turn("heavy"):
        clock.t += 1.0
    waiting_tag = turns.tag("heavy")  # its next run queues now, behind two students who keep moving
    light_runs = 0
    while min(turns.tag("s1"), turns.tag("s2")) < waiting_tag:
        who = min(("s1", "s2"), key=turns.tag)
        with turns.turn(who):
            clock.t += 0.1
        light_runs += 1
        assert light_runs < 100, "the heavy run would starve"
    assert light_runs == 20  # each student ran 1 s worth (ten 0.1 s ticks), then the heavy run goes first
