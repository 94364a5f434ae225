"""What a Steps or Epochs tick costs the server: the descent is cut from a run ahead, identical to running it."""

from dataclasses import replace

import numpy as np
import pytest

from core.linear_regression import gd_variants, make_data
from core.optim.engine import MAX_STEPS
from views.dynamics import data, descent
from views.dynamics.config import GDConfig

BASE = GDConfig(n=100, noise=0.5, batch_size=10, optimizer="sgd", lr=0.1, budget="steps", length=100,
                start=(-1.0, 3.0), seed=0)


def _direct(cfg: GDConfig):
    """The three runs made for exactly cfg.length (no run ahead)."""
    d = make_data(cfg.n, cfg.noise, cfg.seed)
    return gd_variants(d, cfg.batch_size, cfg.optimizer, cfg.start, cfg.length, cfg.seed, cfg.budget, lr=cfg.lr)


CASES = {
    "steps, SGD": BASE,
    "steps, Adam": replace(BASE, optimizer="adam", length=333),
    "epochs": replace(BASE, budget="epochs", length=3),
    "epochs, batch 7": replace(BASE, budget="epochs", length=7, batch_size=7, n=60),
    # lr 2.4 is above 2 / lambda_max for this bowl: the runs leave the world, some before the cut, some after it
    "diverging, cut before the exit": replace(BASE, lr=2.4, length=5),
    "diverging, cut after the exit": replace(BASE, lr=2.4, length=120),
}


@pytest.mark.parametrize("cfg", CASES.values(), ids=CASES.keys())
def test_a_descent_is_the_cut_of_the_run_ahead_and_equals_running_it(cfg):
    assert data.ahead(cfg) > cfg.length  # it really is cut from a longer run
    got, want = data.descent_run(cfg).run, _direct(cfg)
    assert (got.names, got.steps, got.diverged_at, got.steps_per_epoch) == (
        want.names, want.steps, want.diverged_at, want.steps_per_epoch)
    np.testing.assert_array_equal(got.points, want.points)
    np.testing.assert_array_equal(got.losses, want.losses)


def test_a_divergence_after_the_cut_has_not_happened_yet():
    long = _direct(replace(BASE, lr=2.4, length=120))
    k = min(x for x in long.diverged_at if x is not None)
    short = data.descent_run(replace(BASE, lr=2.4, length=k - 1)).run
    assert all(x is None for x in short.diverged_at) and np.isfinite(short.points).all()


def test_ticks_of_the_steps_slider_reuse_the_run_ahead(monkeypatch):
    data.descent_run(replace(BASE, length=500))
    calls = []
    monkeypatch.setattr(data, "gd_variants", lambda *a, **k: calls.append(a))
    for length in range(255, 505, 5):  # fifty ticks, all inside the run ahead of 500 steps
        assert len(data.descent_run(replace(BASE, length=length)).run.points) == length + 1
    assert not calls


def test_the_run_ahead_stays_within_the_engine_limit():
    assert data.ahead(replace(BASE, length=2000)) == 2000  # the slider's end: nothing to run ahead
    big = replace(BASE, budget="epochs", n=400, length=30)  # 50 epochs would be 20000 updates: at the limit
    assert data.ahead(big) * big.n <= MAX_STEPS
    assert data.ahead(replace(big, n=500, length=45)) == 45  # no length ahead fits: run exactly what was asked
    with pytest.raises(ValueError, match="the limit is 20000"):
        data.descent_run(replace(big, n=500, length=100))


def test_the_map_is_made_once_per_data_set_and_start():
    a = data.descent_run(BASE)
    b = data.descent_run(replace(BASE, length=105, lr=0.2, optimizer="adam"))
    assert a.picture is b.picture  # the same PNG for every tick and every optimizer setting
    assert data.descent_run(replace(BASE, start=(0.0, 0.0))).picture is not a.picture


def test_a_tick_down_cuts_the_longer_run_it_came_from(monkeypatch):
    here = replace(BASE, seed=11, length=255)  # its run ahead is 500 steps; 250 would have one of its own
    data.descent_run(here)
    calls = []
    monkeypatch.setattr(data, "gd_variants", lambda *a, **k: calls.append(a))
    assert data.held(replace(here, length=250))
    got, want = data.descent_run(replace(here, length=250)).run, _direct(replace(here, length=250))
    assert not calls
    np.testing.assert_array_equal(got.points, want.points)
    np.testing.assert_array_equal(got.losses, want.losses)


def test_the_steps_drawn_ahead_need_no_new_descent():
    cfg = replace(BASE, seed=12, length=250)
    data.descent_run(cfg)  # the run of 250 steps: 255 needs one of 500, not run for a neighbour
    assert [c.length for c in descent._nearby(cfg)] == [245]
    data.descent_run(replace(cfg, length=255))
    assert [c.length for c in descent._nearby(cfg)] == [245, 255]
    top = replace(cfg, length=2000)
    data.descent_run(top)
    assert [c.length for c in descent._nearby(top)] == [1995]  # the slider's end
    assert descent._nearby(replace(cfg, budget="epochs", length=3)) == []
