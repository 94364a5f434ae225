"""Epoch-trained runs on the dynamics page obey the classroom budget: inline, as a job, or refused (issue #15)."""

import pytest

from core.epoch_cost import EpochSizes, epoch_units, steps
from tests.apptest import open_page, settle
from views.dynamics import cost
from views.dynamics.data import ensemble_member
from views.ui import budget

PAGE = "views/dynamics/page.py"
HEAVY_ENSEMBLE = {"dtab": "Ensembles", "ens_k": "12", "ens_n": "1000", "ens_w": "256", "ens_ep": "60"}
HEAVY_DROPOUT = {"dtab": "Dropout & early stopping", "do_n": "1000", "do_ep": "150"}


def test_units_follow_the_sizes():
    s = EpochSizes(n_train=300, n_val=450, n_features=64, n_classes=10, depth=2, width=64)
    assert s.weights == 64 * 64 + 64 * 64 + 64 * 10 and s.layers == 3
    assert steps(s, 20, 32) == 20 * 9  # the ragged last batch of each epoch is dropped, as train does
    one = epoch_units(s, 1, 32)
    assert epoch_units(s, 2, 32) - one == pytest.approx(epoch_units(s, 3, 32) - epoch_units(s, 2, 32))  # per epoch
    wider = EpochSizes(300, 450, 64, 10, 2, 256)
    assert epoch_units(wider, 20, 32) > epoch_units(s, 20, 32)


def test_largest_is_the_edge_of_a_monotone_rule():
    assert cost.largest(lambda n: n <= 37, 5, 60) == 37
    assert cost.largest(lambda n: n <= 99, 5, 60) == 60
    assert cost.largest(lambda n: False, 5, 60) is None


@pytest.mark.parametrize("query", [HEAVY_ENSEMBLE, HEAVY_DROPOUT], ids=["ensemble", "dropout"])
def test_a_heavy_link_never_trains_inside_the_page_run(query, monkeypatch):
    # The heaviest links take minutes on this machine: refused with the nearest setting that fits, or a job.
    monkeypatch.setattr(budget, "JOB_S", 2.0)  # whatever the machine's speed, these links exceed it
    ensemble_member.clear()
    at = open_page(PAGE, timeout=120, query=query)
    assert not at.exception and not at.error
    warned = " ".join(w.value for w in at.warning)
    assert "would take about" in warned and "fits" in warned
    assert not at.metric and not at.dataframe  # no result drawn: no ensemble metrics, no early-stopping table
    assert not ensemble_member.store.entries  # nothing was trained inline


def test_over_the_inline_budget_the_members_train_as_a_job(monkeypatch):
    monkeypatch.setattr(budget, "RUN_S", 0.0)
    ensemble_member.clear()
    at = open_page(PAGE, timeout=120, query={"dtab": "Ensembles", "ens_k": "2", "ens_ep": "5"})
    assert not at.exception and not at.metric  # the first run only shows the job's progress
    settle(at)
    assert not at.exception and {m.label for m in at.metric} >= {"Ensemble accuracy"}
