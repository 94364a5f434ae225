"""views.ui.reel_clock follows the browser's player (views/ui/live_chart.js): pace, catching up, dropped frames,
the frame on screen; Pause stops on the frame the student sees."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from views.ui.reel_clock import MAX_QUEUE, ReelClock


def test_frames_play_one_pace_apart_and_the_first_at_once_when_the_queue_ran_dry():
    c = ReelClock()
    got = c.push("r", [10, 20, 30], 0.2, now=5.0)
    assert got == pytest.approx({10: 5.0, 20: 5.2, 30: 5.4})
    assert c.on_screen(5.1) == 10 and c.on_screen(5.45) == 30
    assert c.push("r", [30, 40], 0.2, now=9.0) == pytest.approx({40: 9.0})  # the frame on screen again: not queued


def test_a_late_rerun_is_caught_up_within_one_reruns_frames():
    c = ReelClock()
    c.push("r", [1, 2, 3, 4, 5], 0.2, now=0.0)
    got = c.push("r", [6, 7, 8, 9, 10], 0.2, now=0.3)  # 3, 4, 5 still queued: eight frames in five frames' time
    pace = 0.2 * 5 / 8
    assert got == pytest.approx({i: 0.4 + k * pace for k, i in enumerate(range(3, 11))})
    assert c.next_at == pytest.approx(0.4 + 8 * pace)


def test_a_new_reel_or_a_still_figure_drops_what_was_queued():
    c = ReelClock()
    c.push("r", [1, 2, 3], 0.2, now=0.0)
    assert c.push("other", [1], 0.2, now=0.1) == {2: None, 3: None, 1: 0.1}
    c.push("other", [2, 3], 0.2, now=0.2)
    # paused: its frame at once, the one still queued dropped
    assert c.push("other", [3], 0, now=0.25) == {2: None, 3: 0.25} and c.on_screen(0.25) == 3


@given(st.lists(st.tuples(st.floats(0, 3), st.integers(0, 12)), min_size=1, max_size=30))
def test_the_queue_stays_bounded_in_order_and_never_runs_backwards(arrivals):
    c, now, nxt = ReelClock(), 0.0, 0
    for dt, n in arrivals:
        now += dt
        c.push("r", list(range(nxt, nxt + n)), 0.2, now)
        nxt += n
        times = [t for _, t in c.queue]
        assert len(c.queue) <= MAX_QUEUE and times == sorted(times) and all(t >= now - 1e-9 or t == times[0]
                                                                            for t in times)
        assert [i for i, _ in c.queue] == sorted(i for i, _ in c.queue)
