"""The race tab's Steps values drawn ahead (views.why_bn.nearby): once the jobs a view starts are done, the curves and
both planes carry the figures of steps - 50 and + 50, each what a run there sends; nothing uncomputed is sent."""

import json

import torch

from tests.apptest import live_data, open_page
from tests.views.test_why_bn import settled
from views.why_bn import data, nearby
from views.why_bn.config import PlaneConfig, RaceConfig
from views.why_bn.race_plane import coarse

torch.set_num_threads(1)  # as app.py sets it
PAGE = "views/why_bn/page.py"
KEYS = ("rr_curves", "rr_plane_no normalization", "rr_plane_batch norm")


def test_the_charts_carry_the_next_values_as_a_run_there_draws_them():
    at = settled(open_page(PAGE, timeout=180, query={"rr_steps": "100"}))
    assert not at.exception
    sent = {k: live_data(at, k) for k in KEYS}
    for k, got in sent.items():
        assert got is not None, k
        assert got["ahead"]["slider"] == "rr_steps" and got["ahead"]["at"] == 100, k
        assert sorted(f["at"] for f in got["ahead"]["specs"]) == [50, 150], k
    for nxt in (150, 50):
        again = open_page(PAGE, timeout=180, query={"rr_steps": "100"})
        again.slider(key="rr_steps").set_value(nxt).run()
        assert not again.exception
        for k, got in sent.items():
            ahead = next(f["spec"] for f in got["ahead"]["specs"] if f["at"] == nxt)
            there = live_data(again, k)
            assert json.dumps(there["spec"], sort_keys=True) == json.dumps(ahead, sort_keys=True), (k, nxt)
            assert there["ahead"]["at"] == nxt


def test_only_what_is_computed_is_sent_ahead():
    cfg = PlaneConfig(RaceConfig(("sgd",), (1.0,), "mlp", ("batch",), 100, 13), "pca", 21)  # a seed no other test uses
    assert nearby.ready(cfg) == []  # nothing trained: nothing sent
    data.race(cfg.at(50).race, "batch")
    near = nearby.ready(cfg)
    assert [n.cfg.race.steps for n in near] == [50] and near[0].planes is None
    assert list(nearby.curves(cfg, near).specs) == [50]
    assert nearby.planes(cfg, near)["batch"].specs == {}  # its plane is not sliced in a page run
    data.plane(coarse(cfg.at(50)), "batch")
    assert list(nearby.planes(cfg, nearby.ready(cfg))["batch"].specs) == [50]
