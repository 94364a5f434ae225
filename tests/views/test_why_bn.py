"""AppTest of the "Why BN helps" page: it opens on the race tab, tabs open by URL, the race's captions read its
curves, the gallery preset changes the first chart, and bad input gets one sentence."""

import time

import numpy as np
import torch

from tests.apptest import chart_specs, open_page
from views.why_bn import data
from views.why_bn.config import PlaneConfig, RaceConfig
from views.why_bn.race_claims import plane_claims, race_claims

torch.set_num_threads(1)  # as app.py sets it
PAGE = "views/why_bn/page.py"


def _open(**query):
    return open_page(PAGE, timeout=180, query=query)


def settled(at):
    """Rerun until no job is left: the race's job, then the ones its rerun starts (the notches beside, the plane)."""
    from tests.apptest import settle
    from views.ui import jobs

    while True:
        at = settle(at)
        with jobs._LOCK:
            if not jobs._RUNNING:
                return at


def test_default_view_draws_the_race_and_says_what_it_shows():
    at = _open()
    assert not at.exception and not at.error, [e.value for e in at.exception]
    assert at.title[0].value == "Why does batch norm help?"
    specs = chart_specs(at)
    assert specs, "the race's curves are drawn on the first run"
    cfg = RaceConfig(("sgd", "adam"), (1.0, 0.01), "mlp", ("none", "batch"), 50, 0)
    shown = " ".join(m.value for m in at.markdown)
    claims = race_claims({"no normalization": data.race(cfg, "none"), "batch norm": data.race(cfg, "batch")})
    assert claims and all(c in shown for c in claims)


def test_every_tab_opens_by_its_link():
    for tab in ("Smoothness", "Noisy BN"):
        at = _open(wtab=tab)
        assert not at.exception, (tab, [e.value for e in at.exception])


def test_no_optimizer_is_one_sentence():
    at = _open(rr_rules="")
    assert not at.exception
    assert any("at least one optimizer" in i.value for i in at.info) or chart_specs(at)


def test_the_plane_job_finishes_and_its_caption_reads_the_plane():
    cfg = PlaneConfig(RaceConfig(("sgd", "adam"), (1.0, 0.01), "mlp", ("none",), 100, 0), "pca", 21)
    at = _open(rr_net="no normalization", rr_steps="100", rr_grid="21")
    assert not at.exception and len(chart_specs(at)) >= 2, "the curves and a coarse plane come at once"
    end = time.monotonic() + 120
    while any("coarse" in c.value for c in at.caption) and time.monotonic() < end:
        time.sleep(1.0)
        at.run()
    assert not at.exception and len(chart_specs(at)) >= 2
    assert not any("coarse" in c.value for c in at.caption), "the full grid replaced the coarse one"
    plane, race = data.plane(cfg, "none"), data.race(cfg.race, "none")
    assert plane.z.shape == (21, 21)
    shown = " ".join(m.value for m in at.markdown)
    assert all(c in shown for c in plane_claims(plane, race))


def test_race_claims_follow_the_data_both_ways():
    from core.networks import NetSpec
    from core.real_race import RealRace, RealRun

    def race(accs):
        runs = tuple(RealRun(r, 0.1, np.ones(5), np.ones(2), np.array([0.1, a]), None)
                     for r, a in zip(("sgd", "adam"), accs, strict=True))
        return RealRace(NetSpec(64, 10), runs, np.array([0, 5]), np.array([0, 5]), np.zeros((2, 2, 1)), ({}, {}),
                        5, True, 0)
    out = race_claims({"no normalization": race((0.1, 0.9)), "batch norm": race((0.8, 0.91))})
    assert out[0].startswith("**After 5 steps (no normalization) Adam ends highest**: 90%")
    assert "With batch norm SGD ends at least 5 points higher" in out[2]
    out = race_claims({"no normalization": race((0.8, 0.9)), "batch norm": race((0.5, 0.91))})
    assert out[-1] == "Here batch norm ends lower for SGD."


def test_the_link_to_the_histograms_page_names_its_promises_tab():
    from urllib.parse import quote_plus

    from views.histograms.promises.section import TAB
    from views.why_bn.page_text import INTRO

    assert f"(/histograms?htab={quote_plus(TAB)})" in INTRO


def test_a_longer_race_keeps_a_subset_of_a_shorter_ones_records_and_evaluations():
    # what lets a tick of Steps go on from the cached shorter race (views.why_bn.data.start)
    cfgs = [RaceConfig(("sgd",), (1.0,), "mlp", ("none",), s, 0) for s in range(50, 1001, 50)]
    for a, b in zip(cfgs, cfgs[1:], strict=False):
        assert b.record_every % a.record_every == 0 and b.eval_every % a.eval_every == 0
    for c in cfgs:
        assert 10 <= c.steps // c.record_every <= 20 and c.steps // c.eval_every <= 20


def test_a_tick_trains_the_new_steps_only_and_equals_the_race_from_scratch(monkeypatch):
    import dataclasses

    from core.real_race import race_real

    short = RaceConfig(("sgd", "adam"), (1.0, 0.01), "mlp", ("batch",), 50, 7)  # a seed no other test caches
    longer = dataclasses.replace(short, steps=150)
    assert data.start(longer, "batch") is None
    data.race(short, "batch")
    assert data.start(longer, "batch").steps == 50
    resumed = []
    monkeypatch.setattr(data, "race_real", lambda *a, **kw: resumed.append(kw["resume"]) or race_real(*a, **kw))
    got = data.race(longer, "batch")
    assert resumed[0].steps == 50
    scratch = race_real(longer.rules, longer.lrs, norm="batch", steps=150, seed=7, record_every=longer.record_every,
                        eval_every=longer.eval_every)
    np.testing.assert_array_equal(got.weights, scratch.weights)
    for a, b in zip(got.runs, scratch.runs, strict=True):
        np.testing.assert_array_equal(a.losses, b.losses)
        np.testing.assert_array_equal(a.test_acc, b.test_acc)


def test_the_next_notch_of_steps_is_ready_after_a_view():
    from views.why_bn.race_plane import coarse

    settled(_open(rr_net="batch norm", rr_steps="200"))
    nxt = PlaneConfig(RaceConfig(("sgd", "adam"), (1.0, 0.01), "mlp", ("batch",), 250, 0), "pca", 41)
    assert data.cached(nxt.race, "batch") and data.plane_cached(coarse(nxt), "batch")
    assert not data.plane_cached(nxt, "batch"), "only the cheap coarse grid is prepared ahead"
