"""The live pair's cost model: sizes in, units out; the frame stride and the evaluation cadence it sets."""

from dataclasses import replace

from core.train_cost import MAX_STRIDE, PairSizes, nearest_fitting, pair_cost

BN_PAPER = PairSizes("mlp", depth=3, width=100, batch=60, n_features=64, n_classes=10, n_test=450)
CS231N = replace(BN_PAPER, depth=10, width=500)
HEAVY = PairSizes("cnn", depth=20, width=512, batch=60, n_features=64, n_classes=10, n_test=450, positions=64)


def test_small_nets_record_every_tenth_step_and_big_ones_every_step():
    assert pair_cost(BN_PAPER).stride == 10 and pair_cost(CS231N).stride == 1
    assert all(1 <= pair_cost(s).stride <= MAX_STRIDE for s in (BN_PAPER, CS231N, HEAVY))


def test_evaluation_costs_at_most_a_quarter_of_the_training_between_two():
    for s in (BN_PAPER, CS231N, HEAVY):
        c = pair_cost(s)
        assert c.accuracy_every % c.stride == 0
        assert c.accuracy <= 0.25 * c.step * c.accuracy_every + 1e-6


def test_cost_grows_with_width_squared_depth_and_batch():
    c = pair_cost(CS231N).step
    assert pair_cost(replace(CS231N, width=250)).step < c / 3  # width² dominates a wide net
    assert pair_cost(replace(CS231N, depth=5)).step < c / 1.8
    assert pair_cost(replace(CS231N, batch=120)).step > 1.8 * c
    # The heavy link of the issue (a step ~22 s, the CS231n MLP's ~0.03-0.1 s): hundreds of times the cost.
    assert pair_cost(HEAVY).frames(30) > 200 * pair_cost(CS231N).frames(30)


def test_nearest_fitting_setting_prefers_the_widest_width_then_depth():
    budget = pair_cost(CS231N).frames(30)
    fits = lambda s: pair_cost(s).frames(30) <= budget  # noqa: E731
    near = nearest_fitting(HEAVY, fits, (8, 16, 32, 64, 100, 128, 256, 500, 512), range(1, 21))
    assert near.depth == 20 and fits(near)
    wider = [w for w in (16, 32, 64, 100, 128, 256, 500) if w > near.width]
    assert not any(fits(replace(HEAVY, width=w)) for w in wider)
    assert nearest_fitting(HEAVY, lambda s: False, (8,), range(1, 21)) is None
