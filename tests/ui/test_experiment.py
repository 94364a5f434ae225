"""views.ui.experiment: the promise, the refusal above the budget, inline vs job, the stop at the promise, Cancel."""

import os
import time
from dataclasses import dataclass

import pytest
from streamlit.testing.v1 import AppTest

from views.ui import budget, experiment, jobs


def _page(seconds: float, steps: int, step_s: float):
    """A page with one experiment: ``steps`` sleeps of ``step_s`` estimated at ``seconds``; cfg from the session."""
    import time
    from dataclasses import dataclass

    import streamlit as st

    from views.ui import experiment

    @dataclass(frozen=True)
    class Result:
        config: int
        steps_done: int
        complete: bool

    def work(cfg, *, tick, stop_at):
        for i in range(steps):
            if time.monotonic() > stop_at:
                return Result(cfg, i, False)
            tick(i / steps, f"step {i}")
            time.sleep(step_s)
        return Result(cfg, steps, True)

    exp = experiment.Experiment("t_exp", "t-exp", "Test experiment")
    cfg = st.session_state.get("cfg", 1)
    if st.session_state.pop("go", False):
        experiment.start(exp)
    result = experiment.run(exp, cfg, work, seconds=seconds, what=f"{steps} steps", nearest=lambda: "**Steps** 1")
    if result is not None:
        st.write(f"done {result.steps_done}")


def _open(seconds: float, steps: int = 5, step_s: float = 0.01, **state) -> AppTest:
    at = AppTest.from_function(_page, args=(seconds, steps, step_s), default_timeout=20)
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


def _jobs(cfg=1) -> list[jobs.Job]:
    return [j for k, j in jobs._RUNNING.items() if k == f"t-exp {cfg!r}"]


def test_the_promise_is_shown_before_a_run():
    at = _open(0.2)
    promised = experiment.promise(0.2)
    assert promised == 2.0  # ceil(0.2 · 1.5 + 1)
    assert at.caption[0].value.startswith(f"5 steps: about {budget.seconds(promised)} on this server")
    assert [i.value for i in at.info] == ["Press **Run experiment** to train every network."]
    assert at.button(key="t_exp_run").label == "Run experiment" and not at.warning


def test_over_the_budget_it_is_one_sentence_naming_the_nearest_setting():
    at = _open(100.0)
    assert [w.value for w in at.warning] == [budget.refuse(151.0, "This experiment (5 steps)", "**Steps** 1")]
    assert not at.button and not at.info  # nothing to press, so no "Press Run"


def test_under_a_page_run_it_runs_inline_and_is_shared():
    at = _open(0.1, steps=3)
    at.button(key="t_exp_run").click().run()
    assert not _jobs() and "t-exp 1" not in jobs._DONE.entries and at.session_state["t_exp_result"].complete
    assert "t_exp_pending" not in at.session_state and at.markdown[-1].value == "done 3"
    other = _open(0.1, steps=3, go=True)  # another session (a gallery link): the shared result, no new run
    assert other.session_state["t_exp_result"] is at.session_state["t_exp_result"]
    other.session_state["cfg"] = 2
    other.run()
    assert any("settings have changed" in c.value for c in other.caption)


def test_over_a_page_run_it_runs_as_a_job_with_progress():
    at = _open(2.0, steps=20, step_s=0.02, cfg=3)
    at.button(key="t_exp_run").click().run()
    (job,) = _jobs(3)
    assert at.get("progress") and "Test experiment" in at.get("progress")[0].proto.text
    assert at.button(key="t_exp_run").disabled  # one run per setting
    assert job.done.wait(10) and job.result.complete
    at.run()
    assert at.session_state["t_exp_result"] is job.result and at.markdown[-1].value == "done 20"


def test_cancel_stops_the_job():
    at = _open(5.0, steps=1000, step_s=0.01, cfg=4)
    at.button(key="t_exp_run").click().run()
    (job,) = _jobs(4)
    at.button(key=f"cancel_{job.key}").click().run()
    assert job.done.wait(5) and isinstance(job.error, jobs.Cancelled)
    assert any("cancelled" in i.value for i in at.info) and "t_exp_result" not in at.session_state


@dataclass(frozen=True)
class _Partial:
    steps_done: int
    complete: bool


def test_the_work_stops_at_its_promise_with_what_it_finished():
    def work(cfg, *, tick, stop_at):
        n = 0
        while time.monotonic() < stop_at:
            tick(0.5)
            n += 1
            time.sleep(0.01)
        return _Partial(n, False)

    class Progress:
        def update(self, frac, text=""):
            pass

    t0 = time.monotonic()
    with pytest.raises(experiment.Stopped) as stopped:
        experiment.job(work, None, experiment.SLACK_S + 0.2)(Progress())
    assert 0.15 < time.monotonic() - t0 < 0.6 and stopped.value.result.steps_done > 0


def test_a_busy_machine_counts_from_the_load_per_core(monkeypatch):
    cores = len(os.sched_getaffinity(0))
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert experiment.busy() == 1.0
    monkeypatch.setattr(os, "getloadavg", lambda: (9.0 * cores - 1, 0.0, 0.0))
    assert experiment.busy() == pytest.approx(3.0)  # sqrt((load + 1) / cores)
