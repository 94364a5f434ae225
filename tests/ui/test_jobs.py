"""views.ui.jobs: work outside the page run, shared by key, progress, and a stop once nobody watches."""

import time

import pytest

from views.ui import jobs


def _wait(job, timeout=10.0):
    assert job.done.wait(timeout), "job did not finish"
    return job


def test_a_job_runs_in_the_background_and_reports_progress():
    seen = []

    def work(progress):
        for i in range(5):
            progress.update(i / 5, f"step {i}")
            seen.append(i)
            time.sleep(0.01)
        return sum(seen)

    job = jobs.submit("t-bg", work, estimate_s=1, label="Test")
    assert _wait(job).result == 10 and job.error is None


def test_same_key_joins_the_running_job_and_a_finished_one_is_reused():
    calls = []

    def work(progress):
        calls.append(1)
        for _ in range(20):
            progress.update(0.5)
            time.sleep(0.01)
        return "done"

    a = jobs.submit("t-join", work, estimate_s=1, label="Test")
    b = jobs.submit("t-join", work, estimate_s=1, label="Test")
    assert a is b
    _wait(a)
    c = jobs.submit("t-join", work, estimate_s=1, label="Test")
    assert c.done.is_set() and c.result == "done" and calls == [1]


def test_a_job_nobody_watches_stops(monkeypatch):
    monkeypatch.setattr(jobs, "ABANDON_S", 0.1)

    def work(progress):
        for _ in range(1000):
            progress.update(0.1)
            time.sleep(0.01)
        return "never"

    job = _wait(jobs.submit("t-abandon", work, estimate_s=1, label="Test"), timeout=5)
    assert isinstance(job.error, jobs.Cancelled)
    assert "t-abandon" not in jobs._DONE.entries


def test_the_last_watcher_leaving_stops_it():
    def work(progress):
        for _ in range(1000):
            progress.update(0.1)
            time.sleep(0.01)

    job = jobs.submit("t-leave", work, estimate_s=1, label="Test")
    job.leave("local")
    assert isinstance(_wait(job, timeout=5).error, jobs.Cancelled)


def test_errors_are_kept_for_the_page():
    def work(progress):
        raise ValueError("refused")

    job = _wait(jobs.submit("t-err", work, estimate_s=1, label="Test"))
    with pytest.raises(ValueError):
        jobs.show(job)


def _page():
    import time

    import streamlit as st

    from views.ui import jobs

    def work(progress):
        for i in range(400):
            progress.update(i / 400, f"step {i}")
            time.sleep(0.01)
        return 42

    job = jobs.submit("t-page", work, estimate_s=4, label="Slow thing")
    result = jobs.show(job)
    if result is not None:
        st.write(f"result {result}")


def test_the_page_shows_progress_and_cancel_then_offers_run_again():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_page, default_timeout=20).run()
    assert at.get("progress") and "Slow thing" in at.get("progress")[0].proto.text
    assert "about" in at.get("progress")[0].proto.text
    at.button(key="cancel_t-page").click().run()
    assert any("cancelled" in i.value for i in at.info)
    at.button(key="again_t-page").click().run()
    assert at.get("progress"), "Run again restarts the job"


def test_a_job_waits_for_page_runs_no_longer_than_it_computed(monkeypatch):
    """At each update a job yields to page runs, at most YIELD_S and at most its compute time since the last wait:
    it keeps at least half its speed however busy the class."""
    asked = []

    class Busy:
        def idle(self, timeout):
            asked.append(timeout)
            return False  # page runs never stop: every wait runs to its bound

    monkeypatch.setattr(jobs, "TURNS", Busy())
    clock = iter([0.0, 0.01, 0.01, 1.01, 1.01, 1.02])
    monkeypatch.setattr(jobs.time, "monotonic", lambda: next(clock))
    progress = jobs.Progress(jobs.Job("t-yield", "Test", 1))  # created at 0.0
    monkeypatch.setattr(progress._job, "wanted", lambda: True)
    progress.update(0.1)  # computed 0.01 s: waits at most 0.01 s
    progress.update(0.5)  # computed 1 s: waits at most YIELD_S
    assert asked == [0.01, jobs.YIELD_S]


def test_a_failed_job_is_shown_not_restarted_by_the_rerun_it_triggers(monkeypatch):
    calls = []

    def work(progress):
        calls.append(1)
        raise ValueError("refused")

    _wait(jobs.submit("t-fail-once", work, estimate_s=1, label="Test"))
    again = jobs.submit("t-fail-once", work, estimate_s=1, label="Test")  # the page's rerun after the failure
    assert again.done.is_set() and isinstance(again.error, ValueError) and calls == [1]
    monkeypatch.setattr(jobs, "FAILED_S", 0.0)  # later (settings back, or a transient error): tried again
    _wait(jobs.submit("t-fail-once", work, estimate_s=1, label="Test"))
    assert calls == [1, 1]
