"""AppTest of the activation-histogram page: controls, Step/Reset, lr without reset, bad input, two sessions sharing
one trainer, the tab in the link, the heavy link refused at once."""

import json
import time

import pytest

from tests.apptest import bidi, captions, open_page, shown

PAGE = "views/histograms/page.py"
STRIDE = 10  # the default preset records every 10th step (core.train_cost)


def _open(**query):
    return open_page(PAGE, timeout=120, query=query)


def _status(at) -> str:
    return " ".join(c for c in captions(at) if c.startswith("**Step"))


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _live(at) -> list[dict]:
    """The figure specs of the live charts (updated in place in the browser), in page order."""
    return [spec for e in at.get("bidi_component") if (spec := shown(bidi(e))[0])]


def _charts(at) -> int:
    return len(_live(at)) + len(at.get("plotly_chart"))


def test_default_view_is_paused_at_step_zero_with_charts():
    at = _open()
    assert not at.exception and not at.error
    assert "**Step 0**" in _status(at)
    assert _charts(at) >= 6
    assert any(b.label == "Play" for b in at.button)


def test_step_trains_and_lr_change_does_not_reset():
    at = _open()
    _button(at, "Step").click().run()
    assert f"**Step {STRIDE}**" in _status(at)
    at.select_slider(key="lr").set_value(0.1).run()
    assert f"**Step {STRIDE}**" in _status(at) and not at.error
    assert at.session_state["hist_live"]["trainer"].key.lrs[-1][1] == 0.1  # its own trainer, forked
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
    assert _charts(at) >= 6 and not at.exception


def test_bad_link_value_falls_back_with_a_notice():
    at = _open(depth="99")
    assert not at.exception and at.slider(key="depth").value == 3
    assert "Depth" in " ".join(i.value for i in at.info)


def test_two_sessions_share_one_trainer_and_keep_their_own_position():
    a, b = _open(), _open()
    _button(a, "Step").click().run()
    _button(a, "Step").click().run()
    b.run()
    assert f"**Step {2 * STRIDE}**" in _status(a) and "**Step 0**" in _status(b)
    trainer = a.session_state["hist_live"]["trainer"]
    assert b.session_state["hist_live"]["trainer"] is trainer  # one computation for both
    _button(b, "Step").click().run()
    assert f"**Step {STRIDE}**" in _status(b)  # b reads the frame a's steps already trained
    b.select_slider(key="lr").set_value(0.1).run()  # b forks; a keeps the shared trainer
    a.run()
    assert b.session_state["hist_live"]["trainer"] is not trainer
    assert a.session_state["hist_live"]["trainer"] is trainer and f"**Step {2 * STRIDE}**" in _status(a)


def test_the_tab_is_part_of_the_link():
    at = _open(htab="Init lab")
    assert not at.exception and at.selectbox(key="lab_init") is not None
    assert not any(b.label == "Play" for b in at.button)  # only the open tab is built
    assert at.query_params.get("htab") in ("Init lab", ["Init lab"])


def test_heavy_link_is_refused_at_once_with_the_estimate_and_what_fits():
    _open()  # a warm server, as in class
    t0 = time.perf_counter()
    at = _open(arch="small CNN", depth="20", width="512")
    took = time.perf_counter() - t0
    refusals = [e.value for e in at.error if "would take about" in e.value]
    assert len(refusals) == 1 and "fits" in refusals[0] and refusals[0].count(".") <= 2, refusals
    assert not any(b.label == "Play" for b in at.button) and "hist_live" not in at.session_state
    assert took < 5.0


def test_init_lab():
    at = _open(data="moons", depth="1", width="8", htab="Init lab")
    at.selectbox(key="lab_init").set_value("xavier").run()
    at.radio(key="lab_norm").set_value("batch").run()
    assert not at.exception


def test_batch_size_experiment():
    at = _open(data="moons", depth="1", width="8", bs_steps="50", htab="Batch-size experiment")
    _button(at, "Run experiment").click().run()
    assert not at.exception and not at.error
    assert "Press **Run experiment**" not in " ".join(i.value for i in at.info)


def _good_csv() -> bytes:
    rows = "".join(f"{i * 0.1:.2f},{(i * 7) % 11 - 5},{'ab'[i % 2]}\n" for i in range(80))
    return ("x1,x2,label\n" + rows).encode()


def test_layout_toggles_and_all_layers_grid():
    at = _open(depth="7")
    at.radio(key="hlay").set_value("nets").run()
    assert not at.exception and "both nets on one axis" in _layer_title(at)
    at.radio(key="hlay").set_value("steps").run()
    assert "older = fainter" in _layer_title(at)
    at.toggle(key="hall").set_value(True).run()
    assert not at.exception and "layer 7" in json.dumps(_live(at)[0])
    assert at.radio(key="hlay").disabled


def _layer_title(at) -> str:
    return _live(at)[0]["layout"]["title"]["text"]


def test_saturation_numbers_are_shown_for_every_layer():
    at = _open(act="relu", init="he", depth="4")
    _button(at, "Step").click().run()
    table = next(d.value for d in at.table if "sat % · no norm" in d.value.columns)
    assert list(table["layer"]) == ["1", "2", "3", "4"]
    assert table["sat % · no norm"].astype(float).between(5, 95).all()  # relu: a share of outputs are 0
    assert "sat " in json.dumps(_live(at)[0])  # next to each histogram too
    assert any("output = 0" in m.value for m in at.markdown)
    at.radio(key="smet").set_value("dead").run()
    assert not at.exception


def _elements(node) -> int:
    return sum(1 + _elements(c) for c in getattr(node, "children", {}).values())


def test_a_depth_change_updates_every_chart_in_place_and_sends_few_elements():
    at = _open()
    at.slider(key="depth").set_value(4).run()
    assert not at.exception and "**Step 0**" in _status(at)
    # No chart is remounted: the six charts are in-place charts; the one st.plotly_chart is the blank strip that
    # loads plotly.js for them, and it never changes.
    assert len(_live(at)) == 6 and "layer 4" in json.dumps(_live(at)[0])
    assert [json.loads(c.proto.config)["toImageButtonOptions"]["filename"] for c in at.get("plotly_chart")] == [
        "normlab_hist_plotly_js"]
    # Each element is one more message to send and to render per rerun: the live tab held 40 before its layout
    # was tightened, 31 after. The Depth fragment's places add five in a full run (two slots, the wrappers of the
    # fragment's writes in them, the view's container); a Depth tick re-sends the tab without its view radios and
    # plotly.js strip (tests/browser/test_histograms_tick_browser.py counts it).
    assert _elements(at.tabs[0]) <= 36


def test_lr_caption_says_it_does_not_reset_and_charts_keep_the_camera_button():
    at = _open()
    assert any("learning rate" in c.value and "keeps training" in c.value for c in at.caption)
    # (the blank strip that loads plotly.js for the in-place charts has no modebar: left out)
    configs = [c for c in (json.loads(c.proto.config) for c in at.get("plotly_chart"))
               if c["toImageButtonOptions"]["filename"] != "normlab_hist_plotly_js"]
    configs += [d["config"] for e in at.get("bidi_component") if "config" in (d := bidi(e))]
    assert len(configs) >= 6
    for config in configs:
        assert config.get("displayModeBar", True) is not False  # the modebar (with its camera) stays
        assert "toImage" not in config.get("modeBarButtonsToRemove", [])
        assert config["toImageButtonOptions"]["filename"].startswith("normlab_")
        assert config["toImageButtonOptions"]["scale"] == 2


def test_upload_good_csv_trains_on_it():
    at = _open(data="Your own CSV")
    assert any("Upload a CSV" in i.value for i in at.info)
    at.file_uploader(key="hist_csv").set_value(("mine.csv", _good_csv(), "text/csv")).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "**Step 0**" in _status(at)
    assert any("80 rows, 2 features, 2 classes" in c.value for c in at.caption)
    _button(at, "Step").click().run()
    stride = at.session_state["hist_live"]["trainer"].stride  # from the cost of this small net
    assert f"**Step {stride}**" in _status(at)


@pytest.mark.parametrize("data, words", [
    (b"x,y,label\n1,2,a\n", "data row"),
    (b"\x89PNG\x00\x00", "NUL bytes"),
    (_good_csv().replace(b"0.50,", b"nan,", 1), "not a finite number"),
])
def test_upload_bad_csv_is_refused_with_its_reason(data, words):
    at = _open(data="Your own CSV")
    at.file_uploader(key="hist_csv").set_value(("bad.csv", data, "text/csv")).run()
    assert not at.exception
    assert any("cannot be used" in e.value and words in e.value for e in at.error), [e.value for e in at.error]
    assert any("Upload a CSV" in i.value for i in at.info)


def test_uploads_stay_in_their_session():
    a, b = _open(data="Your own CSV"), _open(data="Your own CSV")
    a.file_uploader(key="hist_csv").set_value(("mine.csv", _good_csv(), "text/csv")).run()
    b.run()
    assert "**Step 0**" in _status(a) and not _status(b)
    assert any("Upload a CSV" in i.value for i in b.info)


