"""AppTest of the activation-histogram page: controls, Step/Reset, lr without reset, bad input, two sessions."""

import pytest

from tests.apptest import open_page

PAGE = "views/histograms.py"


def _open(**query):
    return open_page(PAGE, timeout=120, query=query)


def _status(at) -> str:
    return " ".join(m.value for m in at.markdown if m.value.startswith("**Step"))


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def test_default_view_is_paused_at_step_zero_with_charts():
    at = _open()
    assert not at.exception and not at.error
    assert "**Step 0**" in _status(at)
    assert len(at.get("plotly_chart")) >= 6
    assert any(b.label == "Play" for b in at.button)


def test_step_trains_and_lr_change_does_not_reset():
    at = _open()
    _button(at, "Step").click().run()
    assert "**Step 20**" in _status(at)
    at.select_slider(key="lr").set_value(0.1).run()
    assert "**Step 20**" in _status(at) and not at.error
    at.slider(key="depth").set_value(4).run()  # structural: back to step 0
    assert "**Step 0**" in _status(at)
    _button(at, "Step").click().run()
    _button(at, "Reset").click().run()
    assert "**Step 0**" in _status(at)


def test_view_controls_and_preset():
    at = _open()
    at.radio(key="kind").set_value("grad").run()
    at.radio(key="tv").set_value("ridgeline").run()
    at.number_input(key="unit").set_value(7).run()
    assert not at.exception and not at.error
    at.selectbox(key="preset").set_value("CS231n init").run()
    assert at.slider(key="depth").value == 10 and at.select_slider(key="width").value == 500
    assert not at.exception


@pytest.mark.parametrize("query, words", [
    ({"batch": "2048"}, "training examples"),
    ({"batch": "1", "norm": "batch"}, "batch size 1"),
])
def test_bad_settings_are_explained(query, words):
    at = _open(**query)
    assert not at.exception
    assert any(words in e.value for e in at.error), [e.value for e in at.error]


def test_divergence_pauses_with_the_standard_wording():
    at = _open(lr="10000", act="relu", init="normal_1", depth="6")
    for _ in range(5):
        _button(at, "Step").click().run()
        if at.warning:
            break
    assert any("diverged at step" in w.value for w in at.warning)
    assert len(at.get("plotly_chart")) >= 6 and not at.exception


def test_bad_link_value_falls_back_with_a_notice():
    at = _open(depth="99")
    assert not at.exception and at.slider(key="depth").value == 3
    assert "Depth" in " ".join(i.value for i in at.info)


def test_two_sessions_train_independently():
    a, b = _open(), _open()
    _button(a, "Step").click().run()
    _button(a, "Step").click().run()
    b.run()
    assert "**Step 40**" in _status(a) and "**Step 0**" in _status(b)


def test_init_lab_and_batch_size_experiment():
    at = _open(data="moons", depth="1", width="8", bs_steps="50")
    at.selectbox(key="lab_init").set_value("xavier").run()
    at.radio(key="lab_norm").set_value("batch").run()
    assert not at.exception
    _button(at, "Run experiment").click().run()
    assert not at.exception and not at.error
    assert "Press **Run experiment**" not in " ".join(i.value for i in at.info)
