"""A longer race resumed from a shorter one equals the race trained from scratch bit for bit (the same float
operations on the same numbers), for stateful rules, both nets, a new epoch in between, and a rule that diverged."""

import dataclasses

import numpy as np
import pytest
import torch

from core.real_race import race_real

torch.set_num_threads(1)  # as app.py sets it (the same kernels in both races)
RULES = ("adam", "rprop", "momentum")  # two moments, per-weight step sizes, a velocity: all in the resumed state


def _same(a, b) -> None:
    """Every number of two races identical (NaNs in the same places), bitwise."""
    assert (a.steps, a.complete) == (b.steps, b.complete)
    for x, y in ((a.eval_steps, b.eval_steps), (a.record_steps, b.record_steps), (a.weights, b.weights)):
        np.testing.assert_array_equal(x, y, strict=True)
    for ra, rb in zip(a.runs, b.runs, strict=True):
        assert ra.diverged_at == rb.diverged_at
        for f in ("losses", "test_loss", "test_acc"):
            np.testing.assert_array_equal(getattr(ra, f), getattr(rb, f), strict=True)
    for ba, bb in zip(a.buffers, b.buffers, strict=True):
        assert ba.keys() == bb.keys() and all(torch.equal(ba[k], bb[k]) for k in ba)
    assert torch.equal(a.state.flat, b.state.flat)


@pytest.mark.parametrize("norm", ["none", "batch"])
def test_resumed_race_equals_the_race_from_scratch(norm):
    # 24 steps of batch 60 cross an epoch of the digits' training rows (a reshuffle in the resumed part)
    kw = dict(arch="mlp", norm=norm, batch_size=60)
    short = race_real(RULES, steps=10, record_every=2, eval_every=2, **kw)
    long = race_real(RULES, steps=24, record_every=4, eval_every=8, resume=short, **kw)
    _same(long, race_real(RULES, steps=24, record_every=4, eval_every=8, **kw))
    assert np.isfinite(short.weights).all()
    # the cached short race is left as it was (its state is copied, not trained on)
    _same(short, race_real(RULES, steps=10, record_every=2, eval_every=2, **kw))
    # and a resumed race goes on again
    longer = race_real(RULES, steps=30, record_every=4, eval_every=8, resume=long, **kw)
    _same(longer, race_real(RULES, steps=30, record_every=4, eval_every=8, **kw))


def test_a_rule_that_diverged_before_the_resume_stays_diverged():
    kw = dict(arch="cnn", record_every=2, eval_every=2)
    short = race_real(("sgd", "adam"), (1e30, 0.01), steps=4, **kw)
    assert short.runs[0].diverged_at == 2
    _same(race_real(("sgd", "adam"), (1e30, 0.01), steps=8, resume=short, **kw),
          race_real(("sgd", "adam"), (1e30, 0.01), steps=8, **kw))


def test_progress_counts_the_new_updates_only():
    short = race_real(("sgd",), steps=10, record_every=5, eval_every=10)
    seen = []
    race_real(("sgd",), steps=30, record_every=5, eval_every=10, resume=short, progress=seen.append)
    assert seen == [0.5, 1.0]


def test_a_race_goes_on_only_from_a_compatible_one():
    short = race_real(("sgd",), steps=10, record_every=2, eval_every=10)
    for kw, text in [(dict(rules=("adam",)), "same optimizers"), (dict(lrs=(0.5,)), "same optimizers"),
                     (dict(norm="batch"), "same optimizers"), (dict(seed=1), "same optimizers"),
                     (dict(steps=5), "cannot go on"), (dict(record_every=3), "multiples")]:
        args = dict(rules=("sgd",), lrs=None, steps=20, record_every=2, eval_every=10) | kw
        with pytest.raises(ValueError, match=text):
            race_real(args.pop("rules"), args.pop("lrs"), resume=short, **args)
    with pytest.raises(ValueError, match="no state"):
        race_real(("sgd",), steps=20, record_every=2, eval_every=10, resume=dataclasses.replace(short, state=None))
