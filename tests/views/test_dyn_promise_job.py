"""The ensembles tab keeps its promise as a background job too: the job stops at it and the page shows what it
finished (needs views/ui/experiment.py to keep the job a session watched: a stopped job is not in the jobs store)."""

import re
import time

import pytest

from core.ensembles import EnsembleConfig, train_member
from tests.apptest import open_page, settle
from views.dynamics import cost, data
from views.ui import budget, experiment, jobs

PAGE = "views/dynamics/page.py"
QUERY = {"dtab": "Ensembles", "ens_k": "12", "ens_n": "100", "ens_w": "16", "ens_ep": "5"}


@pytest.fixture(scope="module")
def trained():
    return [train_member(EnsembleConfig(k=2, n_train=100, width=16, epochs=5), i) for i in range(2)]


def test_a_job_stops_at_its_promise_and_delivers_what_it_finished(monkeypatch, trained):
    for fn in (data.ensemble_member, experiment._shared):
        fn.clear()
    jobs._DONE.clear()
    calls = []

    def slow(cfg, i, *, stop_at=None):  # 12 members of 0.4 s: far more than the 2 s promised
        calls.append(i)
        time.sleep(0.4)
        return trained[i % 2]
    monkeypatch.setattr(data, "train_member", slow)
    monkeypatch.setattr(cost, "seconds", lambda *a, nets=1, **kw: 0.01 * nets)  # promises 2 s
    monkeypatch.setattr(budget, "RUN_S", 0.0)  # as a background job
    at = settle(open_page(PAGE, timeout=60, query=QUERY))
    assert not at.exception
    n = int(re.search(r"(\d+) of 12 members trained within the 2 s promised", " ".join(w.value for w in at.warning))
            .group(1))
    assert 1 <= n < 12 and calls == list(range(n))  # one job, stopped once: it did not start again
    assert f"{n} members x" in " ".join(c.value for c in at.caption)
