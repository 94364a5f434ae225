"""The next tick's frames are built off the page run: the trained frames after the position, each once."""

import time
from types import SimpleNamespace

from views.histograms import layers


class _Trainer:
    key = "k"

    def __init__(self, trained):
        self.trained = trained

    def next_after(self, step):
        return next((SimpleNamespace(step=s) for s in self.trained if s > step), None)


def test_prefetch_builds_the_next_trained_frames_once(monkeypatch):
    built = []
    monkeypatch.setattr(layers, "reel_frame", lambda trainer, step, view, names: built.append(step) or time.sleep(0.05))
    trainer = _Trainer([0, 10, 20, 30, 40, 50, 60])
    layers.prefetch(trainer, 10, "view", ("a", "b"), 3)
    layers.prefetch(trainer, 10, "view", ("a", "b"), 3)  # a second viewer at the same place: nothing queued twice
    layers._BUILDER.submit(lambda: None).result(timeout=10)  # wait for the builder
    assert built == [20, 30, 40]
    assert not layers._QUEUED
    layers.prefetch(trainer, 50, "view", ("a", "b"), 3)  # only what is trained: one frame left
    layers._BUILDER.submit(lambda: None).result(timeout=10)
    assert built == [20, 30, 40, 60]
