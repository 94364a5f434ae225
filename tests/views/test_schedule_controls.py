"""The schedule controls: every registered schedule from the selectbox, typed lists, momentum, loss-driven lrs."""

import base64
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core.optim.schedules import SCHEDULES, lrs, momenta
from tests.apptest import open_page

PAGE = "views/optimizers/page.py"


def _ok(at):
    assert not at.exception and not at.error, [*at.exception, *at.error]


def _y(trace: dict) -> np.ndarray:
    """A trace's y as plotly.js gets it (a list, or base64 {"dtype", "bdata"})."""
    y = trace["y"]
    return np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]) if isinstance(y, dict) else np.array(y)


def _schedule_chart(at) -> dict | None:
    """The small chart in the left column (its y axis is lr ÷ lr₀), if drawn."""
    for c in at.get("plotly_chart"):
        spec = json.loads(c.proto.spec)
        if spec["layout"].get("yaxis", {}).get("title", {}).get("text") == "lr ÷ lr₀":
            return spec
    return None


@pytest.fixture(scope="module")
def at():
    return open_page(PAGE, timeout=120)


def test_every_registered_schedule_draws_its_chart_or_says_why_it_cannot(at):
    for name, spec in SCHEDULES.items():
        if name == "constant":
            continue
        at.selectbox(key="sch_name").set_value(name).run()
        _ok(at)
        chart = _schedule_chart(at)
        if spec.feedback:  # ReduceLROnPlateau: nothing to draw before the race
            assert chart is None, name
            assert any("known only once the race has run" in c.value for c in at.caption), name
        else:
            assert chart is not None and len(_y(chart["data"][0])) == 500, name
            assert any(f"`{spec.torch_name}`" in c.value for c in at.caption), name
    at.selectbox(key="sch_name").set_value("constant").run()


def test_one_cycle_draws_lr_and_momentum_as_the_core_computes_them():
    at = open_page(PAGE, timeout=120, query={"sch_name": "One cycle"})
    _ok(at)
    lr, mom = _schedule_chart(at)["data"]
    np.testing.assert_allclose(_y(lr), lrs("onecycle", 1.0, 500), rtol=1e-12)  # the registry's defaults
    np.testing.assert_allclose(_y(mom), momenta("onecycle", 500), rtol=1e-12)
    assert any("Adagrad, Adadelta, Rprop have no momentum" in c.value for c in at.caption)


def test_a_cycle_shorter_than_the_race_says_what_happens_after_it():
    at = open_page(PAGE, timeout=120, query={"sch_name": "One cycle", "sch_total": "200", "sch_omom": "false"})
    _ok(at)
    assert len(_schedule_chart(at)["data"]) == 1  # no momentum line when it does not cycle
    assert any("past total_steps = 200" in c.value for c in at.caption)


def test_cyclic_momentum_is_drawn_when_on():
    at = open_page(PAGE, timeout=120, query={"sch_name": "Cyclic", "sch_cmom": "true", "sch_cbmom": "0.6"})
    _ok(at)
    lr, mom = _schedule_chart(at)["data"]
    assert _y(mom).min() == pytest.approx(0.6) and _y(mom).max() == pytest.approx(0.9)
    assert np.argmax(_y(lr)) == np.argmin(_y(mom))  # momentum moves opposite to the lr


def test_cyclic_cycles_momentum_by_default_as_torch_and_an_old_link_without_it_opens_so():
    """torch's CyclicLR default; a link made when the page's default was off (no sch_cmom) opens with it on."""
    at = open_page(PAGE, timeout=120, query={"sch_name": "Cyclic"})
    _ok(at)
    lr, mom = _schedule_chart(at)["data"]
    np.testing.assert_allclose(_y(mom), momenta("cyclic", 500, step_size_up=100, max_lr=3.0), rtol=1e-6)
    assert _y(mom).min() == pytest.approx(0.8) and _y(mom).max() == pytest.approx(0.9)  # torch's defaults
    assert at.toggle(key="sch_cmom").value is True
    assert any("SGD, RMSprop get it too" in c.value and "Adagrad, Adadelta, Rprop have no momentum" in c.value
               for c in at.caption)
    off = open_page(PAGE, timeout=120, query={"sch_name": "Cyclic", "sch_cmom": "false"})
    _ok(off)
    assert len(_schedule_chart(off)["data"]) == 1 and not any("dashed" in c.value for c in off.caption)


@pytest.mark.parametrize("query, words", [
    ({"sch_values": "1, 0.5; import os"}, "only numbers separated by commas"),
    ({"sch_bounds": "100, 50.5"}, "whole numbers of steps"),
    ({"sch_values": "1, 0.5"}, "one value more than boundaries"),
])
def test_a_bad_typed_list_gets_one_sentence_and_the_page_goes_on(query, words):
    at = open_page(PAGE, timeout=120, query={"sch_name": "Piecewise constant", **query})
    _ok(at)
    assert any(words in w.value for w in at.warning), [w.value for w in at.warning]


def test_a_typed_piecewise_schedule_is_drawn_as_typed():
    at = open_page(PAGE, timeout=120, query={"sch_name": "Piecewise constant", "sch_bounds": "10, 20",
                                             "sch_values": "1, 0.5, 0.25"})
    _ok(at)
    y = _y(_schedule_chart(at)["data"][0])
    assert list(y[:12]) == [1.0] * 10 + [0.5] * 2 and list(y[20:22]) == [0.25, 0.25]


def _used_script():
    from views.optimizers import data, schedule
    from views.optimizers.config import RaceConfig, RunConfig, ScheduleConfig, SurfaceConfig

    runs = (RunConfig("sgd", 2e-3), RunConfig("adam", 0.05), RunConfig("momentum", 1e-3))
    sched = ScheduleConfig("plateau", (("factor", 0.5), ("patience", 2), ("threshold", 0.1)), floor=0.01)
    cfg = RaceConfig(SurfaceConfig("beale"), runs, (1.0, 1.5), 300, schedule=sched)
    schedule.used(cfg, data.race(cfg))


def test_the_lr_each_optimizer_got_is_recomputed_from_its_own_losses():
    from core.optim.run import run_batch

    at = AppTest.from_function(_used_script, default_timeout=120).run()
    _ok(at)
    (chart,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    trajs = run_batch([("sgd", {"lr": 2e-3}), ("adam", {"lr": 0.05}), ("momentum", {"lr": 1e-3})], "beale",
                      (1.0, 1.5), 300, schedule=[("plateau", {"factor": 0.5, "patience": 2, "threshold": 0.1,
                                                              "min_lr": 0.01 * lr}) for lr in (2e-3, 0.05, 1e-3)])
    for trace, tr, lr in zip(chart["data"], trajs, (2e-3, 0.05, 1e-3), strict=True):
        want = lrs("plateau", lr, 300, losses=tr.losses[1:], factor=0.5, patience=2, threshold=0.1, min_lr=0.01 * lr)
        np.testing.assert_array_equal(_y(trace), want)
        cuts = int(np.sum(np.diff(want) < 0))
        assert f"{trace['name']}: {cuts} cut" in at.caption[0].value
