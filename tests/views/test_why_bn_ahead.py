"""The race tab's Steps values drawn ahead (views.why_bn.nearby): nothing uncomputed is sent (that the curves and
both planes carry steps ± 50 as a run there draws them is tests/test_ahead.py's why-bn entry)."""


import torch

from views.why_bn import data, nearby
from views.why_bn.config import PlaneConfig, RaceConfig
from views.why_bn.race_plane import coarse

torch.set_num_threads(1)  # as app.py sets it
PAGE = "views/why_bn/page.py"
KEYS = ("rr_curves", "rr_plane_no normalization", "rr_plane_batch norm")


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
