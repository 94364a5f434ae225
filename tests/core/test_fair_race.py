"""The fair race's best lr is the argmin of a brute-force loop of single runs."""

import numpy as np
import pytest

from core.fair_race import GRID, at_best, lr_sensitivity, shared
from core.optimizers import run

COURSE = [("sgd", {}), ("momentum", {"momentum": 0.9}), ("nesterov", {"momentum": 0.9}), ("adagrad", {}),
          ("adadelta", {}), ("rmsprop", {}), ("adam", {})]


def _brute_force(name, hyper, surface, start, steps, lrs):
    best, best_loss, finals = np.nan, np.inf, []
    for lr in lrs:
        t = run(name, surface, start, steps, **{**hyper, "lr": lr})
        loss = np.inf if t.diverged_at is not None else float(t.losses[-1])
        finals.append(loss)
        if loss < best_loss:
            best, best_loss = lr, loss
    return best, best_loss, finals


@pytest.mark.parametrize("surface, start", [("beale", (1.0, 1.5)), ("long_valley", (-7.0, 1.5)),
                                            ("saddle", (-1.8, 1e-3))])
def test_best_lr_is_the_brute_force_argmin(surface, start):
    race = lr_sensitivity(COURSE, surface, start, 200)
    assert race.final.shape == (len(COURSE), len(GRID))
    for i, (name, hyper) in enumerate(COURSE):
        best, best_loss, finals = _brute_force(name, hyper, surface, start, 200, GRID)
        np.testing.assert_allclose(race.final[i], finals, rtol=1e-12)
        assert race.best[i] == best and race.best_loss[i] == pytest.approx(best_loss, rel=1e-12)


def test_divergence_counts_as_infinite_and_an_all_diverged_config_keeps_its_lr():
    race = lr_sensitivity([("sgd", {"lr": 0.3})], "beale", (1.0, 1.5), 100, lrs=[5.0, 10.0])
    assert np.isinf(race.final).all() and np.isnan(race.best[0])
    assert at_best([("sgd", {"lr": 0.3})], race) == [("sgd", {"lr": 0.3})]


def test_configs_get_their_best_or_a_shared_lr():
    race = lr_sensitivity(COURSE[:2], "beale", (1.0, 1.5), 100)
    cfg = at_best(COURSE[:2], race)
    assert [h["lr"] for _, h in cfg] == list(race.best) and cfg[1][1]["momentum"] == 0.9
    assert all(h["lr"] == 0.01 for _, h in shared(COURSE, 0.01))


def test_bad_grid_is_refused():
    with pytest.raises(ValueError, match="lr grid"):
        lr_sensitivity(COURSE, "beale", (1.0, 1.5), 10, lrs=[0.0, 1.0])
