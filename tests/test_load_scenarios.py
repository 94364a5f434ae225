"""The load client's adversary and lecture scenarios: what a tab counts as a chart update, and both scenarios at
N = 1-2 with light links on a real server (the full figures come from `make load`, not from CI)."""

from __future__ import annotations

import json

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.load import heavy, server
from bench.load.adversary import adversary
from bench.load.lecture import LectureResult, lecture
from bench.load.session import Session
from bench.load.student import StudentResult
from bench.load.verdicts import adversary_table, class_p95, lecture_table
from tests.apptest import run_async


def _run(session: Session, fragment: str = "") -> None:
    msg = ForwardMsg()
    msg.new_session.page_script_hash = "p"
    msg.metadata.run.script_run_id = "r"
    msg.metadata.run.fragment_ids.extend([fragment] if fragment else [])
    session._handle(msg)


def _chart(session: Session, path: list[int], spec: str) -> None:
    msg = ForwardMsg()
    msg.metadata.delta_path.extend(path)
    msg.delta.new_element.plotly_chart.spec = spec
    session._handle(msg)


def _finish(session: Session, status=ForwardMsg.FINISHED_SUCCESSFULLY) -> None:
    msg = ForwardMsg()
    msg.script_finished = status
    session._handle(msg)


def test_only_a_changed_chart_is_an_update_and_its_latency_runs_from_the_request():
    s = Session("http://x", "page")
    s._requests.append(10.0)
    _run(s)
    _chart(s, [0, 1], '{"a": 1}')
    _chart(s, [0, 2], '{"b": 1}')
    _finish(s)
    _run(s, fragment="f")  # an unasked run (a job's rerun) that redraws one chart unchanged, one changed
    _chart(s, [0, 1], '{"a": 1}')
    _chart(s, [0, 2], '{"b": 2}')
    _finish(s, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
    _run(s)  # same charts again: no update
    _chart(s, [0, 1], '{"a": 1}')
    _chart(s, [0, 2], '{"b": 2}')
    _finish(s)
    first, second, third = s.runs
    assert len(first.chart_changes) == 2 and first.latency == pytest.approx(first.chart_changes[0] - 10.0)
    assert len(second.chart_changes) == 1 and second.latency is None  # nobody asked: no latency to report
    assert third.chart_changes == [] and third.latency is None


def _reel(session: Session, path: list[int], ids: list[int], every: int, reel: str = "r") -> None:
    msg = ForwardMsg()
    msg.metadata.delta_path.extend(path)
    comp = msg.delta.new_element.bidi_component
    comp.component_name = "normlab.normlab_live_chart"
    comp.json = json.dumps({"frames": [{"id": i, "spec": {"data": [i]}, "caption": None} for i in ids],
                            "every": every, "reel": reel})
    session._handle(msg)


def test_a_reel_counts_each_new_frame_when_the_browser_plays_it(monkeypatch):
    now = [0.0]
    monkeypatch.setattr("bench.load.session.time.monotonic", lambda: now[0])
    s = Session("http://x", "page")
    for now[0], ids, every, reel in ((100.0, [0], 0, "r"), (100.5, [1, 2, 3], 200, "r"), (100.6, [3], 200, "r"),
                                     (102.0, [0, 1], 200, "new")):
        _run(s, fragment="f")
        _reel(s, [0, 1], ids, every, reel)
        _finish(s, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
    paused, ticked, again, reset = (r.updates for r in s.runs)
    assert paused == [100.0]  # every = 0: the one frame, at once
    assert ticked == pytest.approx([100.5, 100.7, 100.9])  # one every 200 ms from its arrival
    assert again == []  # the frame on screen sent again: nothing new for the student
    assert reset == pytest.approx([102.0, 102.2])  # a new reel starts over at once


def test_frames_waiting_when_a_rerun_brings_more_play_faster_and_a_new_reel_drops_them(monkeypatch):
    # As views/ui/live_chart.js: frames arrive as fast as they play, so a backlog would otherwise stay for good.
    now = [0.0]
    monkeypatch.setattr("bench.load.session.time.monotonic", lambda: now[0])
    s = Session("http://x", "page")
    for now[0], ids, reel in ((100.0, [1, 2, 3, 4, 5], "r"), (100.4, [6, 7, 8, 9, 10], "r"), (101.0, [0], "new")):
        _run(s, fragment="f")
        _reel(s, [0, 1], ids, 200, reel)
        _finish(s, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
    first, second, third = (r.updates for r in s.runs)
    pace = 0.2 * 5 / 7  # seven waiting after the second rerun, played in five frames' time
    assert first == pytest.approx([100.0, 100.2, 100.4, 100.6, 100.6 + pace])  # the last two re-timed
    # the second rerun's frames: those due before the new reel came, the rest dropped, never shown
    assert second == pytest.approx([100.6 + k * pace for k in range(2, 7) if 100.6 + k * pace <= 101.0])
    assert third == [101.0]


def test_a_click_answered_after_st_rerun_counts_from_the_click():
    s = Session("http://x", "page")
    s._requests.append(5.0)
    _run(s)
    _finish(s, ForwardMsg.FINISHED_EARLY_FOR_RERUN)  # Play: state set, st.rerun() before any chart
    _run(s)
    _chart(s, [0, 0], "{}")
    _finish(s)
    assert s.runs[1].requested == 5.0


def test_url_bound_tabs_and_buttons_are_learned_from_the_deltas():
    s = Session("http://x", "page", "a=1&b=2&b=3")
    assert s.query == {"a": ["1"], "b": ["2", "3"]}
    _run(s)
    msg = ForwardMsg()
    msg.metadata.delta_path.extend([0, 3])
    msg.delta.add_block.tab_container.query_param_key = "htab"
    s._handle(msg)
    for i, label in enumerate(["Live training", "Batch-size experiment"]):
        msg = ForwardMsg()
        msg.metadata.delta_path.extend([0, 3, i])
        msg.delta.add_block.tab.label = label
        s._handle(msg)
    msg = ForwardMsg()
    msg.metadata.delta_path.extend([0, 3, 1, 0])
    msg.delta.new_element.button.id, msg.delta.new_element.button.label = "b1", "Run experiment"
    s._handle(msg)
    assert s.tabs == {"htab": ["Live training", "Batch-size experiment"]}
    assert s.buttons["Run experiment"].id == "b1"


def test_a_stalled_tab_shows_as_one_long_gap_and_timeouts_raise_the_class_p95():
    r = LectureResult(window=10.0, updates=[0.5, 1.0, 1.5])
    assert r.rate == pytest.approx(0.3) and r.max_gap == pytest.approx(8.5)
    quick = StudentResult("p", latencies=[0.1] * 19)
    assert class_p95([quick], timeout=30) == pytest.approx(0.1)
    assert class_p95([StudentResult("p", latencies=[0.1] * 19, timeouts=2)], timeout=30) > 2.0


OUT_OF_RANGE = heavy.Link("a depth the page refuses", "histograms", "depth=99&width=8")
LIGHT_BATCH = heavy.Link("light batch-size experiment", "histograms", "depth=1&width=8&bs_steps=50",
                         click="Run experiment", tab="Batch-size experiment")


def _light_race(i: int) -> heavy.Link:
    return heavy.Link(f"light race {i}", "optimizers", f"steps=20&seed={500 + i}")


@pytest.fixture(scope="module")
def app():
    with server.direct() as (url, pids):
        yield url, pids


def test_lecture_counts_updates_of_every_tab_that_pressed_play(app):
    run = run_async(lecture(*app, "direct", 2, seconds=6, linger=0))
    assert run.warm_up == []
    for r in run.results:
        assert r.errors == [] and r.window == 6, r
        assert len(r.updates) >= 2 and r.latencies and r.max_gap < 6, r
    assert "| direct | 2 | 2 |" in lecture_table([run])


def test_adversary_visits_links_presses_buttons_and_reads_memory_at_each_checkpoint(app):
    run = run_async(adversary(*app, "direct", 1, [("", "Seed")], quiet=3, seconds=3, links=(1, 2), wait=90,
                              budget=240, linger=0, heavy_links=(LIGHT_BATCH, OUT_OF_RANGE),
                              distinct=_light_race))
    assert run.warm_up == [] and run.notes == []
    assert run.quiet[0].latencies and run.busy[0].latencies and run.busy[0].errors == []
    batch, refused = run.heavy
    assert batch.errors == [] and batch.answer_s is not None and batch.result_s is not None
    assert batch.dropped == [] and [d.split(" ")[0] for d in refused.dropped] == ["depth=99"]
    assert [v.link.title for v in run.distinct] == ["light race 0", "light race 1"]
    assert all(v.errors == [] and v.dropped == [] and v.answer.startswith("chart") for v in run.distinct)
    assert set(run.rss_at) == {1, 2} and run.rss_before is not None and run.rss_peak is not None
    text = adversary_table([run])
    assert "light batch-size experiment" in text and "depth=99" in text


def test_a_select_slider_set_from_a_link_keeps_its_value_on_the_next_rerun():
    from streamlit.proto.Slider_pb2 import Slider

    from bench.load.widgets import Widget, current_value, widget_state

    p = Slider(id="w", type=Slider.SELECT_SLIDER, options=["8", "16", "512"], default=[1], set_value=True)
    p.raw_value.append("512")  # what the server pushes for ?width=512
    assert current_value("slider", p) == ["512"]
    assert list(widget_state(Widget("slider", p, current_value("slider", p))).string_array_value.data) == ["512"]


def test_pills_set_from_a_link_are_sent_back_as_the_browser_does():
    from streamlit.proto.ButtonGroup_pb2 import ButtonGroup

    from bench.load.widgets import KINDS, Widget, current_value, default_value, widget_state

    p = ButtonGroup(id="opt", default=[0], set_value=True, query_param_key="opt")
    for title in ("SGD", "Adam", "Rprop"):
        p.options.add(content=title)
    p.raw_values.extend(["Adam", "Rprop"])  # ?opt=Adam&opt=Rprop
    assert "button_group" in KINDS and default_value("button_group", p) == ["SGD"]
    w = Widget("button_group", p, current_value("button_group", p))
    assert list(widget_state(w).string_array_value.data) == ["Adam", "Rprop"]


def test_the_load_clients_player_keeps_the_browsers_queue_limit():
    import re
    from pathlib import Path

    from views.ui.reel_clock import MAX_QUEUE

    js = (Path(__file__).parents[1] / "views" / "ui" / "live_chart.js").read_text()
    assert re.search(r"const MAX_QUEUE = (\d+);", js).group(1) == str(MAX_QUEUE)


def test_a_fragment_run_ages_only_its_own_fragments_cached_messages():
    # As the browser's ForwardMsgCache.incrementRunCount: a job's progress ticker rerunning often must not drop the
    # figure another fragment (or the page) sent, which the server would still reference.
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg as Msg

    from bench.load.forward_cache import ForwardCache

    cache = ForwardCache()
    for h, fid in (("page", ""), ("steps", "f_steps"), ("ticker", "f_job")):
        m = Msg()
        m.hash, m.metadata.cacheable, m.delta.fragment_id = h, True, fid
        cache.resolve(m, [])
    for _ in range(5):
        cache.age(("f_job",))
    assert set(cache.entries) == {"page", "steps"}  # the ticker's own message aged out, nothing else
    for _ in range(3):
        cache.age()  # full runs age everything
    assert not cache.entries

