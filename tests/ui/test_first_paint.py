"""views.ui.first_paint: a new tab's first run sends its charts, and empty places for everything else."""

import json

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.load import first_paint as client
from tests.apptest import open_page
from views.ui import first_paint


def _element(kind: str, **fields) -> ForwardMsg:
    msg = ForwardMsg()
    msg.metadata.delta_path.extend([0, 3])
    el = msg.delta.new_element
    getattr(el, kind).SetInParent()
    for name, value in fields.items():
        setattr(getattr(el, kind), name, value)
    return msg


def test_controls_and_prose_become_empty_places_and_charts_titles_alerts_progress_stay():
    for kind, fields in (("slider", {"label": "Steps", "id": "s"}), ("markdown", {"body": "**prose**"}),
                         ("code", {"code_text": "x = 1"}), ("button", {"label": "Play"}), ("metric", {"label": "acc"})):
        msg = first_paint.slim(_element(kind, **fields))
        assert msg.delta.new_element.WhichOneof("type") == "empty", kind
        assert list(msg.metadata.delta_path) == [0, 3]  # the same place: the browser refuses a delta that skips one
    for kind, fields in (("plotly_chart", {"id": "c", "spec": "{}"}), ("heading", {"body": "Optimizers"}),
                         ("alert", {"body": "Steps refused"}), ("progress", {"value": 40}),
                         ("bidi_component", {"component_name": "normlab_live_chart", "id": "m"})):
        msg = first_paint.slim(_element(kind, **fields))
        assert msg.delta.new_element.WhichOneof("type") == kind, kind
        for name, value in fields.items():
            assert getattr(getattr(msg.delta.new_element, kind), name) == value


def test_blocks_and_other_messages_pass_untouched():
    block = ForwardMsg()
    block.delta.add_block.vertical.SetInParent()
    done = ForwardMsg()
    done.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
    for msg in (block, done):
        before = msg.SerializeToString()
        assert first_paint.slim(msg).SerializeToString() == before


def test_the_signal_waits_for_real_charts_not_for_the_plotly_js_loader():
    assert first_paint.charts_of(_element("plotly_chart", id="$$ID-abc-rr_plotly_js")) == 0
    assert first_paint.charts_of(_element("plotly_chart", id="$$ID-abc-floor")) == 1
    assert first_paint.charts_of(_element("bidi_component", component_name="views.ui.charts.normlab_live_chart")) == 1
    assert first_paint.charts_of(_element("bidi_component", component_name="normlab_share_link")) == 0
    assert first_paint.charts_of(_element("slider", label="Steps")) == 0


def test_apptest_has_no_browser_to_answer_so_its_runs_are_whole():
    at = open_page("views/optimizers/page.py", timeout=120)
    assert not at.exception
    assert at.selectbox(key="surf").value and len(at.select_slider) > 5  # the controls, not empty places
    assert first_paint.PAINTED not in at.session_state


def test_the_load_client_answers_the_signal_as_the_browser_script_does():
    msg = _element("bidi_component", component_name="normlab_first_paint", id="$$ID-x-_normlab_first_paint")
    signal = client.signal_id(msg.delta.new_element)
    assert signal == "$$ID-x-_normlab_first_paint"
    state = client.drawn(signal)
    assert state.id.startswith("$$STREAMLIT_INTERNAL_KEY") or signal in state.id
    assert json.loads(state.json_trigger_value) == [{"event": "drawn", "value": True}]
    assert client.signal_id(_element("bidi_component", component_name="normlab_live_chart").delta.new_element) is None
