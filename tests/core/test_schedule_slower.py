"""slower_form names the races the engine takes off the float loop because of their schedule, as run_batch does."""

import pytest

from core.optim import float_loop, run
from core.optim.registry import OPTIMIZERS
from core.optim.schedule_plan import slower_form
from core.optim.schedules import SCHEDULES
from tests.core.test_schedules import CASES

GROUPS = [["sgd"], ["adagrad", "rprop"], ["adam", "adadelta"], list(OPTIMIZERS)]
ALL = [(n, p) for n, cases in CASES.items() for p in cases + [{"cycle_momentum": False}] * (n in ("cyclic",
                                                                                                 "onecycle"))]


def _took_float_loop(monkeypatch, names, schedule) -> bool:
    used = []
    real = float_loop.loop
    monkeypatch.setattr(float_loop, "loop", lambda *a: used.append(1) or real(*a))
    run.run_batch([(o, {"lr": 1e-3}) for o in names], "beale", (1.0, 1.5), 12, schedule=schedule)
    return bool(used)


@pytest.mark.parametrize("names", GROUPS, ids=["+".join(g)[:30] for g in GROUPS])
@pytest.mark.parametrize("name, params", ALL, ids=[f"{n}-{i}" for i, (n, _) in enumerate(ALL)])
def test_the_slower_form_is_the_engines_choice(monkeypatch, names, name, params):
    slower = slower_form(name, params, names)
    assert _took_float_loop(monkeypatch, names, (name, params)) == (slower is None)
    if slower == "loss":
        assert SCHEDULES[name].feedback
    if slower == "momentum":  # torch's default for both cycling schedules; only optimizers with a momentum count
        assert params.get("cycle_momentum", True) and any(o not in ("adagrad", "adadelta", "rprop") for o in names)


def test_a_bad_schedule_is_refused_with_its_sentence():
    with pytest.raises(ValueError, match="no parameter"):
        slower_form("cyclic", {"momentum": 0.9}, ["sgd"])
