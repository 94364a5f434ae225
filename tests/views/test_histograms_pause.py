"""Pause stops on the frame the browser shows (views.ui.reel_clock), and Play goes on from it."""

from tests.views.test_histograms import STRIDE, _button, _open, _status


def test_pause_stops_on_the_frame_the_browser_shows_not_the_last_one_sent():
    at = _open()
    at.session_state["hist_live"]["trainer"].wait_for(8 * STRIDE, timeout=60)  # frames for a whole tick
    _button(at, "Play").click().run()  # one run: the tick sends the next frames, which the browser plays 200 ms apart
    state = at.session_state["hist_live"]
    sent = state["step"]
    _button(at, "Pause").click().run()  # at once: the browser still shows the tick's first frame
    assert sent >= 5 * STRIDE and state["step"] == STRIDE and not state["playing"]
    assert f"**Step {STRIDE}**" in _status(at)
    _button(at, "Play").click().run()  # Play goes on from the frame shown: nothing skipped
    assert at.session_state["hist_live"]["clock"].queue[0][0] == 2 * STRIDE
