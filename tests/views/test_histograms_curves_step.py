"""While playing, the live view's curves show the last frame of a whole redraw period: one set of curve figures per
period for a class watching one trainer, never a frame not recorded, never more than a period behind."""

from hypothesis import given
from hypothesis import strategies as st

from views.histograms.live import CURVE_FRAMES, FRAME_MS, SLOW_S, curves_step


@given(st.sampled_from([1, 5, 10, 20, 40, 80]), st.integers(0, 5000))
def test_playing_rounds_down_to_a_recorded_frame_within_one_redraw_period(stride, frame):
    step = frame * stride  # recorded steps are multiples of the history's stride
    q = curves_step(step, stride, playing=True)
    assert q % stride == 0 and 0 <= step - q < CURVE_FRAMES * stride
    # every viewer within the same period draws the same step: the shared figure cache builds it once
    assert {curves_step(q + k * stride, stride, playing=True) for k in range(CURVE_FRAMES)} == {q}


@given(st.integers(0, 10**6), st.sampled_from([1, 10, 40]))
def test_paused_curves_show_the_sessions_own_step(step, stride):
    assert curves_step(step, stride, playing=False) == step


def test_a_period_is_what_the_curves_redraw_covers():
    assert CURVE_FRAMES * FRAME_MS == SLOW_S * 1000
