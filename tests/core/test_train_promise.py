"""Training that stops at a deadline: the epoch loop, nets trained together, and ensemble members (issue #14)."""

import time
from types import SimpleNamespace

import numpy as np
import pytest

from core.datasets import load
from core.ensembles import EnsembleConfig, train_member, train_members
from core.networks import NetSpec, build
from core.train_loop import Fit, TrainData, TrainSettings, train, train_together

DATA = TrainData.from_split(load("digits", seed=0), n_train=100)
SETTINGS = TrainSettings(epochs=4, lr=1e-3, batch_size=20)
SMALL = EnsembleConfig(k=3, n_train=100, width=16, epochs=2, batch_size=20, seed=1)


def _net(p=0.0, seed=0):
    return build(NetSpec(DATA.n_features, DATA.n_classes, 2, 16, "relu", "he", dropout=p), seed)


def _slow_clock(monkeypatch, module, step_s: float):
    """Make ``module``'s clock advance ``step_s`` per reading: a deadline passes after a known number of them."""
    now = [0.0]

    def monotonic():
        now[0] += step_s
        return now[0]
    monkeypatch.setattr(module, "time", SimpleNamespace(monotonic=monotonic))  # that module's clock only


def test_without_a_deadline_a_run_is_complete_and_unchanged():
    full = train(_net(), DATA, SETTINGS, 0)
    fit = Fit(_net(), DATA, SETTINGS, 0)
    for _ in range(SETTINGS.epochs):
        fit.epoch()
    assert full.complete and full.epochs_done == full.epochs == 4 and len(full.val_loss) == 5
    assert np.array_equal(fit.curves().val_loss, full.val_loss)  # epoch by epoch = the loop


def test_a_passed_deadline_stops_before_the_first_epoch():
    curves = train(_net(), DATA, SETTINGS, 0, stop_at=time.monotonic() - 1.0)
    assert not curves.complete and curves.epochs_done == 0 and curves.steps == 0 and curves.epochs == 4
    assert np.isfinite(curves.val_loss).all()  # the fresh net is measured


def test_a_run_stops_at_its_deadline_with_the_epochs_it_finished():
    assert train(_net(), DATA, SETTINGS, 0, stop_at=time.monotonic() + 60).complete  # a far deadline: no change
    cut = train(_net(), DATA, TrainSettings(epochs=2000, lr=1e-3, batch_size=20), 0, stop_at=time.monotonic() + 0.3)
    assert not cut.complete and 1 <= cut.epochs_done < 2000 and cut.epochs == 2000
    assert len(cut.val_loss) == cut.epochs_done + 1 and np.isfinite(cut.val_loss).all()
    assert cut.steps == cut.epochs_done * (100 // 20)
    full = train(_net(), DATA, TrainSettings(epochs=cut.epochs_done, lr=1e-3, batch_size=20), 0)
    assert np.array_equal(full.val_loss, cut.val_loss)  # its epochs are those of a shorter run


def test_the_next_epoch_is_predicted_from_the_slowest_so_far(monkeypatch):
    import core.train_loop as loop
    _slow_clock(monkeypatch, loop, 1.0)  # every reading 1 s later: each round "takes" 1 s
    curves = train(_net(), DATA, SETTINGS, 0, stop_at=4.5)
    # readings: 1 (start, ok), 2 (after epoch 1: 1 s), 3 (+1 > 4.5? no), 4, 5 (+1 > 4.5: stop) -> 2 epochs
    assert curves.epochs_done == 2 and not curves.complete


def test_nets_trained_together_stop_at_the_same_epoch():
    fits = [Fit(_net(p), DATA, TrainSettings(epochs=2000, lr=1e-3, batch_size=20), 0) for p in (0.0, 0.5)]
    ticks = []
    a, b = train_together(fits, stop_at=time.monotonic() + 0.3, tick=lambda e, n: ticks.append((e, n)))
    assert a.epochs_done == b.epochs_done >= 1 and not a.complete and not b.complete
    assert ticks == [(e, 2000) for e in range(1, a.epochs_done + 1)]
    alone = train(_net(0.5), DATA, TrainSettings(epochs=a.epochs_done, lr=1e-3, batch_size=20), 0)
    assert np.array_equal(alone.val_loss, b.val_loss)  # training together changes neither net


def test_a_member_cut_short_is_dropped_not_kept_half_trained():
    assert train_member(SMALL, 0, stop_at=time.monotonic() - 1.0) is None
    assert train_member(SMALL, 0, stop_at=time.monotonic() + 60) is not None


def test_members_stop_at_the_deadline_with_those_finished(monkeypatch):
    import core.ensembles as ens
    calls = []

    def member(cfg, i, *, stop_at=None):
        calls.append(i)
        return train_member(cfg, i)
    _slow_clock(monkeypatch, ens, 1.0)  # each member "takes" 1 s: readings 1, 2 | 3, ...
    run = train_members(SMALL, member=member, stop_at=3.5)  # member 0 (1 -> 2), then 3 + 1 > 3.5: stop
    assert calls == [0] and len(run.members) == 1 and not run.complete and run.config == SMALL
    assert np.array_equal(run.members[0].probs, train_member(SMALL, 0).probs)


def test_a_member_returning_none_ends_the_run_and_a_full_budget_completes():
    run = train_members(SMALL, member=lambda cfg, i, stop_at=None: None if i == 1 else train_member(cfg, i))
    assert len(run.members) == 1 and not run.complete
    ticks = []
    full = train_members(SMALL, tick=lambda f, t: ticks.append((f, t)), stop_at=time.monotonic() + 60)
    assert full.complete and len(full.members) == 3
    assert ticks == [(pytest.approx(i / 3), f"training member {i + 1} of 3") for i in range(3)]
