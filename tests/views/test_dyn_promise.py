"""The ensembles and dropout tabs keep their promise (issue #14): the run stops at the time the page promised, and
what the page then shows says what was finished, computed from what it draws."""

import base64
import json
import re
import time

import numpy as np
import pytest

import core.ensembles
import core.train_loop
from core.ensembles import EnsembleConfig, result_of, train_member
from tests.apptest import chart_specs, open_page, settle
from views.dynamics import cost, data
from views.ui import budget, experiment, jobs

PAGE = "views/dynamics/page.py"
SMALL_ENSEMBLE = {"dtab": "Ensembles", "ens_k": "12", "ens_n": "100", "ens_w": "16", "ens_ep": "5"}
LONG_DROPOUT = {"dtab": "Dropout & early stopping", "do_n": "50", "do_ep": "150"}
RECIPE = EnsembleConfig(k=2, n_train=100, width=16, epochs=5)  # what SMALL_ENSEMBLE's members are trained with
SLOW_S = 0.4  # what the tests add to each member / epoch: the promised 2 s then hold a few of them


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    """Empty caches, and a cost model that promises 2 s (and runs inline) whatever the work."""
    for fn in (data.ensemble_member, data.dropout_run, experiment._shared):
        fn.clear()
    jobs._DONE.clear()
    monkeypatch.setattr(cost, "seconds", lambda *a, nets=1, **kw: 0.01 * nets)
    assert experiment.promise(0.01 * 12) == 2.0


def _texts(elements) -> str:
    return " ".join(e.value for e in elements)


@pytest.fixture(scope="module")
def trained():
    """Two real members of the small recipe: the slow stand-in below hands them out in turn."""
    return [train_member(RECIPE, i) for i in range(2)]


def _slow_members(monkeypatch, trained) -> list[float]:
    """Members that take SLOW_S each, whatever the machine's load; returns [start of the first, end of the last]."""
    times = []

    def slow(cfg, i, *, stop_at=None):
        times[:] = times[:1] or [time.monotonic()]
        time.sleep(SLOW_S)
        times[1:] = [time.monotonic()]
        return trained[i % 2]
    monkeypatch.setattr(data, "train_member", slow)
    return times


def _values(y) -> np.ndarray:
    """A trace's y as plotly.js gets it (a list, or base64 {"dtype", "bdata"})."""
    return np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]) if isinstance(y, dict) else np.array(y)


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_a_tiny_promise_stops_the_ensemble_and_says_what_it_averaged(monkeypatch, trained):
    times = _slow_members(monkeypatch, trained)  # 12 members of >= 0.4 s each: far more than the 2 s promised
    at = open_page(PAGE, timeout=60, query=SMALL_ENSEMBLE)
    assert not at.exception and times[1] - times[0] < 2.0  # the training ended within its promise
    note = _texts(at.warning)
    n = int(re.search(r"(\d+) of 12 members trained within the 2 s promised", note).group(1))
    assert 1 <= n < 12 and f"average these {n}" in note and f"the other {12 - n}" in note
    # Every number shown is that of the first n members.
    res = result_of(RECIPE, [trained[i % 2] for i in range(n)])
    assert _metric(at, "Ensemble accuracy") == f"{res.ensemble_acc:.1%}"
    assert f"{n} members x {5 * (100 // 32)} Adam steps each = {res.steps} steps" in _texts(at.caption)
    bars = json.loads(chart_specs(at)[0])["data"][0]
    assert len(bars["x"]) == n + 1  # n members and the ensemble
    # Run again: the finished members are reused, the next ones train within a new promise.
    at.button(key="ens_run").click().run()
    again = re.search(r"(\d+) of 12 members trained", _texts(at.warning))
    assert not at.exception and (again is None or int(again.group(1)) > n)


def test_within_its_promise_the_ensemble_completes_and_says_nothing_of_a_stop(monkeypatch):
    monkeypatch.setattr(budget, "RUN_S", 0.0)  # a background job, as on a busy server
    at = settle(open_page(PAGE, timeout=60, query={**SMALL_ENSEMBLE, "ens_k": "3"}))
    assert not at.exception and "promised" not in _texts(at.warning)
    assert "3 members x" in _texts(at.caption) and _metric(at, "Ensemble accuracy").endswith("%")


def test_a_tiny_promise_stops_both_dropout_nets_at_the_same_epoch(monkeypatch):
    real = core.train_loop.Fit.epoch

    def slow(fit):
        time.sleep(SLOW_S / 4)
        real(fit)
    monkeypatch.setattr(core.train_loop.Fit, "epoch", slow)  # 150 epochs x 2 nets: far more than 2 s
    at = open_page(PAGE, timeout=60, query=LONG_DROPOUT)
    assert not at.exception
    k = int(re.search(r"Trained both nets (\d+) of 150 epochs within the 2 s promised", _texts(at.warning)).group(1))
    assert 0 <= k < 150  # (0 if loading the data ate the promise on a busy machine)
    curves = [d for spec in chart_specs(at) for d in json.loads(spec)["data"]
              if d.get("mode") == "lines" and d.get("xaxis") == "x"]
    assert len(curves) == 2 and all(len(_values(d["y"])) == k + 1 for d in curves)  # both nets drawn to epoch k
    best = at.table[0].value["best epoch"]
    assert (np.asarray(best, dtype=int) <= k).all()


def test_members_cut_short_are_not_cached():
    cfg = EnsembleConfig(k=2, n_train=100, width=16, epochs=5)
    member = data.cached_member(cfg)
    assert member(cfg, 0, stop_at=time.monotonic() - 1.0) is None and not data.ensemble_member.store.entries
    assert member(cfg, 0) is not None and data.members_missing(cfg, 2) == 1
    assert core.ensembles.train_members(cfg, member=member).complete and data.members_missing(cfg, 2) == 0
