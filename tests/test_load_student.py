"""The load client's student: what it reports for a move that no run answered."""

from __future__ import annotations

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.load.student import Change, Student
from tests.test_load_scenarios import _chart, _finish, _run


def test_a_move_no_run_answered_names_its_page_value_and_the_runs_after_it():
    student = Student("http://x", "normalization", "N (batch)")
    _run(student.session, fragment="f")
    _chart(student.session, [0, 1], '{"a": 1}')
    _finish(student.session, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
    _run(student.session)  # a page run that never finished
    said = student._unanswered(Change(1.0, ["3"], 0, None, ["4"]))
    assert said.startswith("no updated chart within 30 s of a move (normalization: 'N (batch)' ['4'] -> ['3']; ")
    assert said.endswith(f"runs after it: fragment {ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY} chart, "
                         "page unfinished)")
