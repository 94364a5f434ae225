"""The smoothness and noisy-BN tabs: the sentences they show are read from the result (and hold on the default
settings, the paper's two claims), and the page runs each experiment as a job and draws its charts."""

import time
from dataclasses import replace

import numpy as np
import pytest
import torch

from core.noisy_bn import NoisyConfig, noisy_bn
from core.smoothness import SmoothnessConfig, smoothness
from views.why_bn import noisy as noisy_tab
from views.why_bn import smoothness as smooth_tab

torch.set_num_threads(1)  # as app.py sets it


@pytest.fixture(scope="module")
def smooth():
    return smoothness(SmoothnessConfig())


@pytest.fixture(scope="module")
def shaken():
    return noisy_bn(NoisyConfig())


def test_default_smoothness_shows_the_papers_claims(smooth):
    said = smooth_tab.claims(smooth)
    early = int(np.ceil(len(smooth.steps) / 2))
    w = smooth.band_width[:, :early]
    narrower = int(np.sum(w[1] < w[0]))
    assert narrower * 2 > early  # on the default preset BN's band is narrower at most early probes
    assert said[0].startswith(f"**Over the first {int(smooth.steps[early - 1])} steps batch norm's loss band is "
                              "narrower**") and f"narrower at {narrower} of {early} probes" in said[0]
    assert "**changes less**" in said[1] and "**lower**" in said[1] and "smoother landscape" in said[1]
    assert np.median(smooth.beta[1]) < np.median(smooth.beta[0])
    assert len(said) == 2  # the plain ReLU net leaves its plateau: no caveat


def test_smoothness_sentences_follow_the_data(smooth):
    # Swap the nets: every comparison must turn around in the text.
    swapped = replace(smooth, loss=smooth.loss[::-1], losses=smooth.losses[::-1], grad_change=smooth.grad_change[::-1],
                      beta=smooth.beta[::-1])
    said = smooth_tab.claims(swapped)
    assert "**Here batch norm's loss band is not narrower" in said[0]
    assert "**changes more**" in said[1] and "**higher**" in said[1] and "smoother" not in said[1]
    stuck = replace(smooth, loss=np.vstack([np.full(len(smooth.steps), 2.3), smooth.loss[1]]))
    assert "has not left its plateau (loss 2.3 → 2.3)" in smooth_tab.claims(stuck)[-1]


def test_default_noisy_bn_shows_the_papers_claims(shaken):
    plain, bn, noisy = shaken.final_accuracy()
    assert abs(noisy - bn) <= noisy_tab.CLOSE and shaken.drift[2] > shaken.drift[0] > shaken.drift[1]
    said = noisy_tab.claims(shaken)
    assert "is within a few points of batch norm's** " in said[0] and f"({noisy:.1%} vs {bn:.1%}" in said[0]
    assert "**drift more than the plain net's**" in said[1]
    assert f"{shaken.drift[2]:.3g} vs {shaken.drift[0]:.3g}" in said[1]
    assert len(said) == 3 and "still learned as well as batch norm" in said[2]


def test_noisy_sentences_follow_the_data(shaken):
    calm = replace(shaken, percentiles=shaken.percentiles[[0, 1, 1]])  # noisy drifts like BN, less than plain
    said = noisy_tab.claims(calm)
    assert "**drift less than the plain net's**" in said[1] and len(said) == 2
    acc = shaken.accuracy.copy()
    acc[2] = acc[1] - 0.2
    worse = noisy_tab.claims(replace(shaken, accuracy=acc))
    assert "is below batch norm's**" in worse[0] and len(worse) == 2


def _wait(at, key, timeout=120.0):
    end = time.monotonic() + timeout
    while key not in at.session_state and time.monotonic() < end:
        time.sleep(0.5)
        at.run()
    assert key in at.session_state, "the job did not finish"
    return at.session_state[key]


PAGE = "views/why_bn/page.py"


def _open(tab: str, **query):
    from tests.apptest import open_page
    return open_page(PAGE, timeout=120, query={"wtab": tab, **query})


@pytest.mark.parametrize(("tab", "exp", "charts"), [("Smoothness", smooth_tab.EXPERIMENT, 1),
                                                    ("Noisy BN", noisy_tab.EXPERIMENT, 2)])
def test_the_tab_promises_runs_as_a_job_and_draws(tab, exp, charts):
    at = _open(tab, **({"sm_steps": "100"} if exp.key == "sm" else {"nz_steps": "100"}))
    assert not at.exception and not at.error
    promise = [c.value for c in at.caption if "never takes longer" in c.value]
    assert promise and "× 100 steps" in promise[0] and "about" in promise[0]
    assert any("Press **Run**" in i.value for i in at.info)
    next(b for b in at.button if b.label == "Run").click().run()
    assert not at.exception and not at.error
    result = _wait(at, exp.result_key)
    assert result.complete and result.config.steps == 100 and result.config.net.activation == "relu"
    shown = " ".join(m.value for m in at.markdown)
    said = (smooth_tab if exp.key == "sm" else noisy_tab).claims(result)
    assert said and all(s in shown for s in said)
    from tests.apptest import chart_specs
    assert len(chart_specs(at)) >= charts


def test_a_run_over_the_budget_is_refused_with_the_nearest_setting(monkeypatch):
    from views.ui import budget
    monkeypatch.setattr(budget, "JOB_S", 6.0)  # a tight server: the page's own cost model decides what fits
    at = _open("Smoothness", sm_steps="1000", sm_every="5", sm_probes="16")
    warning = " ".join(w.value for w in at.warning)
    assert "would take about" in warning and "more than the 6 s" in warning, warning
    assert "(2 networks × 1000 steps, 200 probes of 16 step sizes)" in warning
    assert "**Steps**" in warning and warning.rstrip(".").endswith("fits"), warning
    assert not any(b.label == "Run" for b in at.button)


def test_cancel_stops_the_job():
    from views.ui import jobs
    at = _open("Noisy BN", nz_steps="800", nz_every="50")
    if not any(b.label == "Run" for b in at.button):  # refused on a slow machine: use what fits
        at = _open("Noisy BN", nz_steps="400", nz_every="50")
    next(b for b in at.button if b.label == "Run").click().run()
    running = [j for k, j in jobs._RUNNING.items() if k.startswith("whybn-nz")]
    assert running, "no job started"
    next(b for b in at.button if b.label == "Cancel").click().run()
    assert running[0].done.wait(10), "the job kept running after Cancel"
    assert isinstance(running[0].error, jobs.Cancelled)
    assert any("cancelled" in i.value for i in at.info)


def test_bad_link_values_are_one_notice_each_and_the_tab_still_works():
    at = _open("Smoothness", sm_steps="abc", sm_lr="0.3", nz_mean="7")  # nz_*: the closed tab's controls
    assert not at.exception and not at.error
    notes = " ".join(i.value for i in at.info)
    assert "**Steps** = `abc` ignored" in notes and "**Learning rate** = `0.3` ignored" in notes
    assert "**Noise shift n_m** = `7` ignored" in notes
    assert any(b.label == "Run" for b in at.button)
