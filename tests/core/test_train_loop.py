"""The shared epoch loop: evaluation against torch, reproducibility, learning, divergence, bad settings."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from core.datasets import load
from core.networks import NetSpec, build
from core.train_loop import TrainData, TrainSettings, evaluate, predict_proba, train

DATA = TrainData.from_split(load("digits", seed=0), n_train=120)


def _net(p=0.0, seed=0):
    return build(NetSpec(DATA.n_features, DATA.n_classes, 2, 32, "relu", "he", dropout=p), seed)


def test_evaluate_matches_torch():
    net = _net()
    loss, acc = evaluate(net, DATA.x_val, DATA.y_val)
    with torch.no_grad():
        logits = net(DATA.x_val)
    assert loss == pytest.approx(F.cross_entropy(logits.double(), DATA.y_val).item(), rel=1e-6)
    assert acc == pytest.approx((logits.argmax(1) == DATA.y_val).double().mean().item())


def test_predict_proba_turns_dropout_off_and_restores_the_mode():
    net = _net(p=0.5).train()
    a, b = predict_proba(net, DATA.x_val), predict_proba(net, DATA.x_val)
    assert np.array_equal(a, b) and net.training and np.allclose(a.sum(1), 1.0)


def test_training_learns_and_is_reproducible():
    s = TrainSettings(epochs=8, lr=1e-2, batch_size=20)
    c1, c2 = train(_net(), DATA, s, seed=3), train(_net(), DATA, s, seed=3)
    assert len(c1.val_loss) == 9 and c1.steps == 8 * 6 and c1.diverged_at is None
    assert np.array_equal(c1.val_loss, c2.val_loss)
    assert c1.train_loss[-1] < 0.5 * c1.train_loss[0] and c1.val_acc[-1] > 0.6
    assert not np.array_equal(train(_net(), DATA, s, seed=4).val_loss, c1.val_loss)  # batch order from seed


def test_divergence_is_reported_and_curves_end_in_nan():
    c = train(_net(), DATA, TrainSettings(epochs=5, lr=1e6, optimizer="sgd", batch_size=20), seed=0)
    assert c.diverged_at is not None and np.isnan(c.val_loss[-1]) and np.isfinite(c.val_loss[0])


@pytest.mark.parametrize("settings, words", [
    (TrainSettings(epochs=0), "Epochs"),
    (TrainSettings(batch_size=500), "batch size"),
    (TrainSettings(optimizer="lion"), "optimizer"),
    (TrainSettings(lr=float("nan")), "learning rate"),
])
def test_bad_settings(settings, words):
    with pytest.raises(ValueError, match=words):
        train(_net(), DATA, settings)


def test_bad_subset():
    with pytest.raises(ValueError, match="training subset"):
        TrainData.from_split(load("digits", seed=0), n_train=5)
