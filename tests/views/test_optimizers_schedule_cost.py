"""The race's cost on a schedule that leaves the float loop: measured slowdown, used by the Steps budget."""

import pytest

from core.optim.presets import COURSE
from tests.apptest import open_page
from views.optimizers import controls, cost
from views.optimizers.config import RaceConfig, RunConfig, ScheduleConfig, SurfaceConfig
from views.ui import budget

PAGE = "views/optimizers/page.py"
RATE = 1e-5  # seconds per unit, fixed: the rule under test, not this machine's load


@pytest.fixture
def rates(monkeypatch):
    """Fixed rates: a cycled momentum 1.5x, a loss-driven lr 3x the unscheduled race (budget.rate reads these)."""
    for name, r in (("optimizer race", RATE), ("optimizer race (momentum)", 1.5 * RATE),
                    ("optimizer race (loss)", 3 * RATE)):
        monkeypatch.setitem(budget._RATES, name, r)


def test_the_slowdown_is_the_ratio_of_the_measured_rates_and_scales_the_estimate(rates):
    assert cost.slowdown(None) == 1.0
    assert cost.slowdown("momentum") == pytest.approx(1.5) and cost.slowdown("loss") == pytest.approx(3.0)
    plain = cost.seconds(2000, 7)
    assert plain == pytest.approx(2000 * 7 * 1.2 * RATE)
    assert cost.seconds(2000, 7, slower="loss") == pytest.approx(3 * plain)
    assert cost.seconds(2000, 7, 4, slower="momentum") == pytest.approx(1.5 * cost.seconds(2000, 7, 4))
    # 1 s / (100 steps x 7 x 1.2 x 1e-5 x 3) = 39.7 -> 3900 steps fit on ReduceLROnPlateau, all 5000 without
    assert cost.most_steps(7, 1, 5000) == 5000 and cost.most_steps(7, 1, 5000, slower="loss") == 3900


def test_a_slower_form_never_counts_as_faster(monkeypatch):
    monkeypatch.setitem(budget._RATES, "optimizer race", RATE)
    monkeypatch.setitem(budget._RATES, "optimizer race (momentum)", 0.5 * RATE)  # a noisy measurement
    assert cost.slowdown("momentum") == 1.0


def _cfg(name: str, **params) -> RaceConfig:
    runs = tuple(RunConfig(n, 1e-3) for n in ("adagrad", "rprop"))
    return RaceConfig(SurfaceConfig("beale"), runs, (1.0, 1.5), 100,
                      schedule=ScheduleConfig(name, tuple(params.items())))


def test_a_race_is_slower_where_the_engine_says():
    assert cost.race_slower(_cfg("plateau")) == "loss"
    assert cost.race_slower(_cfg("cyclic")) is None  # neither has a momentum to cycle: the float loop
    momentum = RaceConfig(SurfaceConfig("beale"), (RunConfig("adam", 0.01),), (1.0, 1.5), 100,
                          schedule=ScheduleConfig("cyclic"))
    assert cost.race_slower(momentum) == "momentum"
    assert cost.race_slower(RaceConfig(SurfaceConfig("beale"), momentum.runs, (1.0, 1.5), 100,
                                       schedule=ScheduleConfig("cyclic", (("cycle_momentum", False),)))) is None


@pytest.mark.parametrize("query, fit, why", [
    ({"sch_name": "Reduce on plateau"}, 3900, "5000 steps of 7 optimizers with an lr that follows each loss"),
    ({"sch_name": "Cyclic"}, 5000, None),  # 1.5x: 0.63 s fits
    ({"sch_name": "Cosine"}, 5000, None),
])
def test_the_steps_budget_prices_the_schedule_chosen_below_even_from_a_link(rates, query, fit, why):
    at = open_page(PAGE, timeout=120, query={"steps": "5000", **query})
    assert not at.exception and not at.error, [*at.exception, *at.error]
    assert at.session_state[controls.SIZE]["steps"] == fit
    said = [c.value for c in at.caption if "one view may compute at a time" in c.value]
    assert (why is None) == (not said), said
    if why:
        assert said[0].startswith(why) and "3900 steps would fit, so the race runs 3900" in said[0]
    assert len(COURSE) == 7
