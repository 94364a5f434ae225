"""AppTest of the "Why BN helps" page: it opens on the race tab, tabs open by URL, the race's captions read its
curves, the gallery preset changes the first chart, and bad input gets one sentence."""

import time

import numpy as np
import torch

from tests.apptest import chart_specs, open_page
from views.why_bn import data
from views.why_bn.config import PlaneConfig, RaceConfig
from views.why_bn.race import plane_claims, race_claims

torch.set_num_threads(1)  # as app.py sets it
PAGE = "views/why_bn/page.py"


def _open(**query):
    return open_page(PAGE, timeout=180, query=query)


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
    end = time.monotonic() + 120
    while len(chart_specs(at)) < 2 and time.monotonic() < end:
        time.sleep(1.0)
        at.run()
    assert not at.exception and len(chart_specs(at)) >= 2
    plane, race = data.plane(cfg, "none"), data.race(cfg.race, "none")
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
