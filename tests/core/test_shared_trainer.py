"""Shared live pairs: one trainer per key for every viewer, frames identical to a private trainer's, forks equal to a
replay with the lr changed at the fork step, training only as far as someone watches, bounded registry."""

import time

import numpy as np
import pytest

from core import shared_trainer
from core.paired_trainer import PairedTrainer
from core.shared_trainer import SharedTrainer, TrainerKey

KW = dict(dataset="moons", depth=2, width=16, lr=0.1, batch_size=30, record_every=5)


def _make():
    return PairedTrainer(**KW)


def _same(a, b) -> bool:
    return a.step == b.step and a.plain.loss == b.plain.loss and np.array_equal(
        a.normed.layers[1].pre.counts, b.normed.layers[1].pre.counts)


def test_one_key_one_trainer_with_the_frames_of_a_private_one():
    key = TrainerKey("test-one-key", ((0, 0.1),))
    a, b = shared_trainer.get(key, _make), shared_trainer.get(key, _make)
    assert a is b  # the second viewer joins the first one's trainer
    assert a.wait_for(30, timeout=60).step == 30
    private = _make()
    private.step(31)
    assert all(_same(x, y) for x, y in zip(a.frames(30), private.history, strict=True))


def test_frames_up_to_a_viewer_position_and_next_frame():
    t = SharedTrainer(TrainerKey("test-pos", ((0, 0.1),)), _make())
    t.wait_for(20, timeout=60)
    assert [s.step for s in t.frames(12)] == [0, 5, 10]
    assert t.next_after(12).step == 15 and t.next_after(10_000) is None


def test_viewers_read_frames_while_the_worker_holds_the_lock():
    """A class of viewers must not queue behind the step being trained (60 live tabs fell to 0.1 frames/s)."""
    import threading

    t = SharedTrainer(TrainerKey("test-read", ((0, 0.1),)), _make())
    t.wait_for(10, timeout=60)
    got = []
    with t.lock:  # the worker in the middle of a step
        reader = threading.Thread(target=lambda: got.append((t.next_after(0).step, len(t.frames()))))
        reader.start()
        reader.join(timeout=5)
        assert not reader.is_alive(), "a viewer waited for the worker's lock"
    assert got == [(5, 3)]


def test_fork_equals_a_replay_with_the_lr_changed_at_the_fork_step():
    parent = SharedTrainer(TrainerKey("test-fork", ((0, 0.1),)), _make())
    parent.wait_for(10, timeout=60)
    fork = parent.fork(0.5)
    at = fork.key.lrs[-1][0]
    assert fork.key.lrs == ((0, 0.1), (at, 0.5)) and at == parent.pair.step_count
    fork.wait_for(at + 12, timeout=60)
    replay = _make()
    replay.step(at)
    replay.set_lr(0.5)
    replay.step(fork.pair.step_count - at)
    assert all(_same(x, y) for x, y in zip(fork.frames(), replay.history, strict=True))
    assert parent.pair.optimizer.param_groups[0]["lr"] == 0.1  # the others keep their trainer


def test_the_worker_trains_only_as_far_as_a_viewer_asked():
    t = SharedTrainer(TrainerKey("test-demand", ((0, 0.1),)), _make())
    t.wait_for(25, timeout=60)
    time.sleep(0.3)
    assert 25 <= t.pair.history.last.step < 25 + 5 and t.pair.step_count <= 31


def test_registry_keeps_recent_trainers_within_its_bytes(monkeypatch):
    one = SharedTrainer(TrainerKey("test-bytes-0", ((0, 0.1),)), _make())
    monkeypatch.setattr(shared_trainer, "MAX_BYTES", int(one.nbytes() * 2.5))
    for i in range(5):
        shared_trainer.get(TrainerKey(f"test-bytes-{i}", ((0, 0.1),)), _make)
    assert shared_trainer.stats()["trainers"] <= 2
    assert shared_trainer.stats()["bytes"] <= shared_trainer.MAX_BYTES


def test_idle_trainers_leave_the_registry(monkeypatch):
    shared_trainer.get(TrainerKey("test-idle", ((0, 0.1),)), _make)
    monkeypatch.setattr(shared_trainer, "IDLE_S", 0.5)
    time.sleep(0.6)
    shared_trainer.get(TrainerKey("test-idle-2", ((0, 0.1),)), _make)
    assert shared_trainer.stats()["trainers"] == 1


def test_a_failing_build_raises_and_leaves_nothing_behind():
    def bad():
        raise ValueError("nope")

    with pytest.raises(ValueError):
        shared_trainer.get(TrainerKey("test-bad", ((0, 0.1),)), bad)
    assert shared_trainer.get(TrainerKey("test-bad", ((0, 0.1),)), _make).pair.step_count == 0
