"""What a Steps tick costs the server: an exact race is the prefix of one run ahead, identical to running it."""

from dataclasses import replace

import numpy as np
import pytest

from core.optim.presets import COURSE, default_lr
from core.optim.schedules import SCHEDULES
from views.optimizers import data
from views.optimizers.config import NoiseConfig, RaceConfig, RunConfig, ScheduleConfig, SurfaceConfig


def _cfg(surface: str, start, steps: int, lr_scale: float = 1.0, **kw) -> RaceConfig:
    runs = tuple(RunConfig(n, default_lr(surface, n) * lr_scale) for n in COURSE)
    return RaceConfig(SurfaceConfig(surface), runs, start, steps, **kw)


def _direct(cfg: RaceConfig) -> data.Race:
    """The race run for exactly cfg.steps (no prefix), at the lrs the lr mode gives."""
    runs, _ = data._runs(cfg)
    return data._computed(replace(cfg, runs=runs, lr_mode="as set", shared_lr=RaceConfig.shared_lr))


def _same(a: data.Race, b: data.Race) -> None:
    assert [r.lr for r in a.runs] == [r.lr for r in b.runs]
    for x, y in zip(a.trajs, b.trajs, strict=True):
        assert (x.diverged_at, x.escaped) == (y.diverged_at, y.escaped), x.optimizer
        for name in ("points", "losses", "grads"):
            np.testing.assert_array_equal(getattr(x, name), getattr(y, name), err_msg=f"{x.optimizer} {name}")
        assert x.state.keys() == y.state.keys()
        for k in x.state:
            np.testing.assert_array_equal(x.state[k], y.state[k], err_msg=f"{x.optimizer} {k}")


CASES = {
    "beale, every optimizer": _cfg("beale", (1.0, 1.5), 501),
    "lrs x3: Nesterov diverges before the cut": _cfg("long_valley", (-7.0, 1.5), 20, lr_scale=3.0),
    "lrs x3: Nesterov diverges after the cut": _cfg("long_valley", (-7.0, 1.5), 14, lr_scale=3.0),
    "saddle: three escape before the cut, SGD after": _cfg("saddle", (-1.8, 1e-3), 233),
    "one shared lr": _cfg("long_valley", (-7.0, 1.5), 310, lr_mode="shared", shared_lr=0.05),
    **{f"schedule {name}": _cfg("beale", (1.0, 1.5), 389, schedule=ScheduleConfig(name, (), 3.0))
       for name in SCHEDULES if name != "constant"},
}


@pytest.mark.parametrize("cfg", CASES.values(), ids=CASES.keys())
def test_a_race_is_the_prefix_of_the_race_run_ahead_and_equals_running_it(cfg):
    assert data.ahead(cfg) > cfg.steps  # it really is a prefix of a longer run
    _same(data.race(cfg), _direct(cfg))


@pytest.mark.parametrize("cfg, who", [(_cfg("long_valley", (-7.0, 1.5), 14, lr_scale=3.0), "nesterov"),
                                      (_cfg("saddle", (-1.8, 1e-3), 300), "sgd")])
def test_a_divergence_or_escape_after_the_cut_has_not_happened_yet(cfg, who):
    (later,) = [t for t in data.race(replace(cfg, steps=600)).trajs if t.optimizer == who]
    assert cfg.steps < later.diverged_at <= 600  # the run ahead does leave the box, after the cut
    (now,) = [t for t in data.race(cfg).trajs if t.optimizer == who]
    assert now.diverged_at is None and not now.escaped and np.isfinite(now.points).all()


def test_the_next_steps_reuse_the_run_ahead(monkeypatch):
    cfg = _cfg("beale", (1.0, 1.5), 601)
    data.race(cfg)
    calls = []
    monkeypatch.setattr(data, "run_batch", lambda *a, **k: calls.append(a))
    for steps in range(602, 612):
        assert len(data.race(replace(cfg, steps=steps)).trajs[0].points) == steps + 1
    assert not calls  # ten ticks of the Steps slider ran nothing


def test_noisy_races_are_run_as_asked():
    cfg = _cfg("beale", (1.0, 1.5), 120, noise=NoiseConfig("additive", 1.0, 3, 0))
    race = data.race(cfg)
    assert len(race.trajs[0].points) == 121 and all(len(v) == 2 for v in race.bundle.values())


def test_a_short_race_is_never_lengthened_by_the_budget():
    from views.optimizers import cost

    assert cost.most_steps(7, 1, 40) == 40  # the budget only ever shortens: 40 steps were raced as 100
    assert cost.most_steps(7, 1, 10) == 10
