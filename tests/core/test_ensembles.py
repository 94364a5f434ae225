"""Model ensembles: averaging probabilities (not votes), member seeds, accuracies against a direct computation."""

import numpy as np
import pytest
import torch

from core.datasets import load
from core.ensembles import EnsembleConfig, combine, member_seed, result_of, train_ensemble, train_member

SMALL = EnsembleConfig(k=3, n_train=100, width=16, epochs=3, batch_size=20, seed=1)


def test_combine_averages_probabilities_not_votes():
    # Two members narrowly pick class 0, one is sure of class 1: votes say 0, averaged probabilities say 1.
    probs = np.array([[[0.55, 0.45]], [[0.55, 0.45]], [[0.0, 1.0]]])
    res = combine(probs, np.array([1]))
    assert res.member_acc.tolist() == [0.0, 0.0, 1.0]
    assert res.first_k_acc.tolist() == [0.0, 0.0, 1.0] and res.ensemble_acc == 1.0
    assert res.gain_vs_mean == pytest.approx(2 / 3) and res.gain_vs_best == 0.0


def test_a_diverged_member_counts_as_wrong_and_is_left_out_of_the_average():
    probs = np.array([[[0.9, 0.1], [0.2, 0.8]], [[np.nan, np.nan], [np.nan, np.nan]]])
    res = combine(probs, np.array([0, 1]))
    assert res.member_acc.tolist() == [1.0, 0.0] and res.first_k_acc.tolist() == [1.0, 1.0]
    all_bad = combine(np.full((2, 2, 2), np.nan), np.array([0, 1]))
    assert all_bad.ensemble_acc == 0.0 and all_bad.member_acc.tolist() == [0.0, 0.0]


def test_member_seeds_are_distinct_and_stable():
    seeds = [member_seed(0, i) for i in range(12)]
    assert len(set(seeds)) == 12 and seeds == [member_seed(0, i) for i in range(12)]
    assert member_seed(1, 0) != member_seed(0, 0) and all(0 <= s < 2**31 for s in seeds)


def test_members_are_reproducible_and_differ():
    a, b, c = train_member(SMALL, 0), train_member(SMALL, 0), train_member(SMALL, 1)
    assert np.array_equal(a.probs, b.probs) and not np.allclose(a.probs, c.probs)
    assert np.allclose(a.probs.sum(1), 1.0) and a.steps == 3 * (100 // 20)


def test_ensemble_matches_a_direct_computation():
    calls = []
    res = train_ensemble(SMALL, progress=lambda i, n: calls.append((i, n)))
    assert calls == [(1, 3), (2, 3), (3, 3)]
    members = [train_member(SMALL, i) for i in range(3)]
    y = load("digits", seed=1).y_test
    mean = np.mean([m.probs for m in members], axis=0)
    assert res.ensemble_acc == pytest.approx(np.mean(mean.argmax(1) == y))
    assert res.member_acc == pytest.approx([np.mean(m.probs.argmax(1) == y) for m in members])
    assert res.first_k_acc[0] == res.member_acc[0] and res.steps == sum(m.steps for m in members)
    assert np.array_equal(result_of(SMALL, members).first_k_acc, res.first_k_acc)


def test_default_ensemble_beats_its_average_member():
    torch.set_num_threads(1)
    res = train_ensemble(EnsembleConfig(k=5, seed=0))
    assert res.gain_vs_mean > 0.005 and res.ensemble_acc > 0.9


@pytest.mark.parametrize("k", [1, 13])
def test_bad_k(k):
    with pytest.raises(ValueError, match="members"):
        train_ensemble(EnsembleConfig(k=k))
