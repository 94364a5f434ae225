"""AppTest of the "BN's promises" tab: opened by URL, each experiment selectable by URL, the promise before a run,
a background job whose result brings the claims and the chart, Cancel, the refusal above the budget, and the
gallery link that opens an experiment and starts it."""

import time

import pytest
import torch

from tests.apptest import chart_specs, open_page
from views.histograms.promises import section
from views.ui import jobs

torch.set_num_threads(1)  # as app.py sets it
PAGE = "views/histograms/page.py"


def _open(**query):
    return open_page(PAGE, timeout=120, query={"htab": section.TAB, **query})


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _wait_for(at, key, timeout=120.0):
    """Rerun the page (as the job's poller would) until this session holds ``key``."""
    end = time.monotonic() + timeout
    while key not in at.session_state and time.monotonic() < end:
        time.sleep(0.5)
        at.run()
    assert key in at.session_state, "the job did not finish"
    return at.session_state[key]


def test_the_tab_opens_by_url_with_the_first_experiment_and_its_promise():
    at = _open()
    assert not at.exception and not at.error
    assert at.radio(key=section.KEY).value == section.LR
    promise = [c.value for c in at.caption if "networks ×" in c.value]
    assert promise and promise[0].startswith("20 networks × 600 steps: about") and "never takes longer" in promise[0]
    assert any("Press **Run experiment**" in i.value for i in at.info)
    assert not at.info or not any("ignored" in i.value for i in at.info)


@pytest.mark.parametrize("label", list(section.EXPERIMENTS))
def test_each_experiment_is_selectable_by_url(label):
    import importlib

    at = _open(promise=label)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.radio(key=section.KEY).value == label
    module = importlib.import_module(f"views.histograms.promises.{section.EXPERIMENTS[label]}")
    shown = " ".join(m.value for m in at.markdown)
    assert module.INTRO[:60] in shown


def test_run_trains_in_a_job_and_the_sentences_read_the_result():
    from core.bn_promises.lr_tolerance import claims

    at = _open(lrt_steps="100")
    _button(at, "Run experiment").click().run()
    assert not at.exception and not at.error
    result = _wait_for(at, "promise_lr_result")
    assert result.complete and result.config.setup.steps == 100
    shown = " ".join(m.value for m in at.markdown)
    assert claims(result) and all(c in shown for c in claims(result))
    assert chart_specs(at)


def test_init_cancel_stops_the_job():
    at = _open(promise=section.INIT, initd_steps="1000")
    if not any(b.label == "Run experiment" for b in at.button):  # refused on a busy machine: what fits
        at = _open(promise=section.INIT, initd_steps="300")
    _button(at, "Run experiment").click().run()
    running = [j for k, j in jobs._RUNNING.items() if k.startswith("promise-init")]
    assert running, "no job started"
    assert chart_specs(at), "no live heatmaps while it trains"
    _button(at, "Cancel").click().run()
    assert running[0].done.wait(10), "the job kept running after Cancel"
    assert isinstance(running[0].error, jobs.Cancelled)


def test_over_the_budget_the_run_is_refused_with_the_nearest_setting(monkeypatch):
    from views.ui import budget

    monkeypatch.setattr(budget, "JOB_S", 3.0)
    at = _open(lrt_steps="2000")
    warning = " ".join(w.value for w in at.warning)
    assert "would take about" in warning and warning.rstrip(".").endswith("fits"), warning
    assert not any(b.label == "Run experiment" for b in at.button)


def test_a_gallery_link_opens_the_experiment_and_starts_it():
    at = open_page(PAGE, timeout=120, query={"example": "bn_lr_tolerance"})
    assert not at.exception and not at.error
    assert "example" not in at.query_params
    assert at.session_state["htab"] == section.TAB and at.session_state[section.KEY] == section.LR
    assert any(k.startswith("promise-lr") for k in jobs._RUNNING) or "promise_lr_result" in at.session_state
    assert chart_specs(at)  # the live chart (every net at its current step) until the result is there


def test_a_link_made_on_another_tab_keeps_the_experiments_settings_quietly():
    query = {"htab": "Init lab", "promise": section.INIT, "initd_steps": "200", "initd_lr": "0.2"}
    at = open_page(PAGE, timeout=120, query=query)
    assert not at.exception and not [i.value for i in at.info if "link" in i.value.lower()]
    assert at.slider(key="initd_steps").value == 200 and at.select_slider(key="initd_lr").value == 0.2
