"""views.ui.turns: the run slot goes to the session that used it least recently; jobs wait for idle moments."""

import threading
import time

from views.ui.turns import HALF_LIFE_S, MAX_DELAY_S, NEW_S, Turns


class _Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def test_a_run_is_tagged_with_its_arrival_plus_its_sessions_recent_use_up_to_a_bound():
    clock = _Clock()
    turns = Turns(clock=clock)
    with turns.turn("heavy"):
        clock.t += 1.5
    assert turns.usage("heavy") == 1.5 and turns.tag("fresh") == clock.t + NEW_S
    assert turns.tag("heavy") == clock.t + 1.5
    clock.t += HALF_LIFE_S
    assert abs(turns.usage("heavy") - 0.75) < 1e-12
    for _ in range(10):
        with turns.turn("heavy"):
            clock.t += 1.0
    assert turns.tag("heavy") == clock.t + MAX_DELAY_S  # however heavy, at most MAX_DELAY_S behind arrival order


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


def _held(turns, who):
    """A thread holding the slot for ``who`` until the returned event is set (returned once it holds it)."""
    release = threading.Event()

    def hold():
        with turns.turn(who):
            release.wait(5)

    t = threading.Thread(target=hold)
    t.start()
    while not turns.busy:
        time.sleep(0.005)
    return t, release


def test_a_light_session_overtakes_a_heavy_one_that_queued_first():
    turns = Turns()
    for student in ("student-1", "student-2"):  # the class is on record with its moves
        with turns.turn(student):
            pass
    with turns.turn("heavy"):  # the heavy session held the slot for a while
        time.sleep(0.2)
    holder, done = _held(turns, "holder")
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
    t, release = _held(turns, "student")
    assert not turns.idle(0.05)  # a run holds the slot: the job keeps waiting, then goes on
    threading.Timer(0.1, release.set).start()
    assert turns.idle(5)
    t.join(5)


def test_a_heavy_run_goes_before_anyone_who_arrived_more_than_the_bound_after_it():
    """No starvation: light runs arriving later than MAX_DELAY_S after a heavy run queued never pass it."""
    clock = _Clock()
    turns = Turns(clock=clock)
    with turns.turn("heavy"):
        clock.t += 30.0
    heavy = turns.tag("heavy")
    clock.t += MAX_DELAY_S + 0.01
    assert turns.tag("student") > heavy


def test_a_tab_just_opened_waits_behind_the_moves_of_sessions_already_there():
    """A stream of distinct heavy links is a stream of new sessions: each first run queues behind the class's moves
    that arrived up to NEW_S later, then its session is on record with the time it really held the slot."""
    clock = _Clock()
    turns = Turns(clock=clock)
    with turns.turn("student"):
        clock.t += 0.05
    clock.t += 60  # the student's use has decayed to almost nothing
    assert turns.tag("link") == clock.t + NEW_S > turns.tag("student") + 0.9
    with turns.turn("link"):
        clock.t += 0.3
    assert abs(turns.usage("link") - 0.3) < 1e-9  # on record with what it held, not NEW_S more
