"""Layer statistics: histograms/percentiles vs NumPy, the lockstep pair vs a hand-written torch loop, history,
divergence, seeding, the CS231n init experiment and the batch-size experiment."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from core.activation_capture import edges_for, histogram, unit_percentiles
from core.batch_size_experiment import BatchSizeConfig, batch_size_experiment, run_cell
from core.history import History
from core.layer_stats import PairedTrainer, forward_stats
from core.networks import build

SMALL = dict(dataset="moons", depth=2, width=16, activation="tanh", lr=0.1, batch_size=30, record_every=5)


def test_histogram_matches_numpy_with_clipping_into_end_bins():
    v = torch.randn(3000, dtype=torch.float64) * 2
    edges = np.linspace(-3, 3, 25)
    h = histogram(v, edges)
    ref, _ = np.histogram(np.clip(v.numpy(), -3, 3), edges)
    np.testing.assert_allclose(h.counts, ref / 3000, atol=1e-7)
    assert h.mean == pytest.approx(v.mean().item()) and h.std == pytest.approx(v.numpy().std())


def test_unit_percentiles_match_numpy():
    x = torch.randn(57, 9)
    np.testing.assert_allclose(unit_percentiles(x), np.percentile(x.numpy(), [15, 50, 85], axis=0), atol=1e-6)
    img = torch.randn(5, 3, 4, 4)  # CNN: a unit is a channel, over samples and positions
    ref = np.percentile(img.numpy().transpose(1, 0, 2, 3).reshape(3, -1), [15, 50, 85], axis=1)
    np.testing.assert_allclose(unit_percentiles(img), ref, atol=1e-6)


def test_edges_use_known_ranges_of_bounded_activations():
    v = torch.rand(100) * 0.2
    assert edges_for(v, "post", "sigmoid", 10)[[0, -1]].tolist() == [0.0, 1.0]
    assert edges_for(v, "post", "relu", 10)[0] == 0.0
    assert edges_for(v, "pre", "relu", 10)[0] == pytest.approx(-0.25, rel=0.3)


def test_forward_stats_reproduces_cs231n():
    tiny = forward_stats(depth=10, width=200, activation="tanh", init="normal_0.01", samples=500, seed=0)
    big = forward_stats(depth=10, width=200, activation="tanh", init="normal_1", samples=500, seed=0)
    good = forward_stats(depth=10, width=200, activation="tanh", init="xavier", samples=500, seed=0)
    assert len(tiny) == 10 and tiny[-1].std < 1e-6  # collapses to 0
    assert big[-1].post.counts[[0, -1]].sum() > 0.6  # saturates at +-1
    assert 0.1 < good[-1].std < 0.6
    ref = build_ref_std()
    assert good[0].std == pytest.approx(ref, rel=1e-5)


def build_ref_std():
    """Layer-1 std computed independently: same generator order as forward_stats (weights, then inputs)."""
    from core.networks import NetSpec

    g = torch.Generator().manual_seed(0)
    net = build(NetSpec(200, 2, 10, 200, "tanh", "xavier"), generator=g)
    x = torch.randn(500, 200, generator=g).double()
    w = net.blocks[0].linear.weight.detach().double()
    return torch.tanh(x @ w.T).numpy().std()


def test_forward_stats_with_batch_norm_rescues_a_bad_init():
    s = forward_stats(depth=10, width=100, activation="tanh", init="normal_0.01", samples=300, norm="batch")
    assert s[-1].std > 0.3


def _reference_plain_run(steps: int, seed: int = 0):
    """The plain net trained alone by a hand-written torch loop on the trainer's own batch order."""
    pair = PairedTrainer(**SMALL, seed=seed)
    net = build(pair.plain.spec, seed)
    opt = torch.optim.SGD(net.parameters(), lr=SMALL["lr"])
    order, cursor, rng = pair._order.copy(), 0, np.random.default_rng([seed, 15485863])
    rng.permutation(len(order))
    for _ in range(steps):
        idx = order[cursor:cursor + 30]
        loss = F.cross_entropy(net(pair._x[idx]), pair._y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        cursor += 30
        if cursor + 30 > len(order):
            order, cursor = rng.permutation(len(order)), 0
    return pair, net


def test_lockstep_pair_equals_training_each_net_alone():
    pair, ref = _reference_plain_run(40)
    pair.step(40)
    for p, q in zip(pair.plain.parameters(), ref.parameters(), strict=True):
        torch.testing.assert_close(p, q, atol=1e-6, rtol=1e-5)


def test_initial_weights_identical_except_norm_layers():
    pair = PairedTrainer(**{**SMALL, "norm": "layer", "placement": "after"})
    for a, b in zip(pair.plain.blocks, pair.normed.blocks, strict=True):
        assert torch.equal(a.linear.weight, b.linear.weight) and torch.equal(a.linear.bias, b.linear.bias)


def test_snapshot_contents_match_an_independent_forward():
    pair = PairedTrainer(**SMALL)
    snap = pair.snapshot()
    x, y = pair._next_batch()
    net = pair.plain
    h = torch.tanh(x @ net.blocks[0].linear.weight.T + net.blocks[0].linear.bias)
    assert snap.step == 0 and len(snap.plain.layers) == 2
    assert snap.plain.layers[0].post.mean == pytest.approx(h.mean().item(), abs=1e-6)
    loss = F.cross_entropy(net(x), y)
    g = torch.autograd.grad(loss, net.blocks[1].linear.weight)[0]
    assert snap.plain.layers[1].grad_norm == pytest.approx(g.norm().item(), rel=1e-5)
    assert snap.plain.loss == pytest.approx(loss.item(), rel=1e-6)
    assert np.isclose(snap.plain.layers[0].pre.counts.sum(), 1)


def test_looking_never_changes_training():
    a, b = PairedTrainer(**SMALL), PairedTrainer(**SMALL)
    for _ in range(7):
        a.step(3)
        a.snapshot()
    b.step(21)
    for p, q in zip(a.normed.state_dict().values(), b.normed.state_dict().values(), strict=True):
        assert torch.equal(p, q)


def test_same_seed_same_numbers_other_seed_differs():
    runs = [PairedTrainer(**SMALL, seed=s) for s in (1, 1, 2)]
    for r in runs:
        r.step(30)
    s = [r.snapshot() for r in runs]
    assert s[0].normed.loss == s[1].normed.loss and s[0].normed.loss != s[2].normed.loss
    np.testing.assert_array_equal(s[0].plain.layers[0].grad.counts, s[1].plain.layers[0].grad.counts)


def test_batch_norm_pair_learns_faster_on_the_paper_setting():
    pair = PairedTrainer(dataset="digits", depth=3, width=100, activation="sigmoid", norm="batch", lr=0.5,
                         batch_size=60, seed=0)
    pair.step(300)
    s = pair.snapshot()
    assert s.normed.test_accuracy > s.plain.test_accuracy + 0.05
    assert s.normed.unit_percentiles.shape == (3, 100)


def test_divergence_pauses_and_keeps_last_good_snapshot():
    pair = PairedTrainer(**{**SMALL, "lr": 1e4, "activation": "relu", "depth": 4, "init": "normal_1"})
    done = pair.step(500)
    assert pair.diverged_at is not None and done == pair.diverged_at - 1 < 500
    snap = pair.snapshot()
    assert np.isfinite(snap.plain.loss) and np.isfinite(snap.normed.loss) and snap.step <= done
    assert pair.step(10) == 0 and pair.diverged_nets


def test_history_is_bounded_and_spans_the_run():
    pair = PairedTrainer(**{**SMALL, "capacity": 8})
    pair.step(400)
    steps = pair.history.steps
    assert len(steps) <= 8 and steps[0] == 0 and steps[-1] >= 400 - 2 * pair.history.stride
    h = History(capacity=4, stride=1)
    for k in range(100):
        if h.due(k):
            h.add(k, k)
    assert len(h) <= 4 and h.steps[0] == 0
    with pytest.raises(ValueError, match="increase"):
        h.add(0, 0)


def test_set_lr_keeps_training_state():
    pair = PairedTrainer(**SMALL)
    pair.step(10)
    pair.set_lr(0.01)
    assert pair.step_count == 10 and all(g["lr"] == 0.01 for g in pair.optimizer.param_groups)
    with pytest.raises(ValueError, match="learning rate"):
        pair.set_lr(float("nan"))


@pytest.mark.parametrize("optimizer", ["adam", "rmsprop", "nesterov"])
def test_optimizers_from_the_registry_train_the_pair(optimizer):
    pair = PairedTrainer(**{**SMALL, "optimizer": optimizer, "lr": 0.01})
    pair.step(20)
    assert pair.diverged_at is None and isinstance(pair.optimizer, torch.optim.Optimizer)


@pytest.mark.parametrize("change, words", [
    (dict(batch_size=10_000), "training examples"), (dict(batch_size=1, norm="batch"), "batch size 1"),
    (dict(optimizer="lion"), "Unknown optimizer"), (dict(depth=50), "Depth"),
    (dict(dataset="cifar"), "Unknown dataset"),
])
def test_bad_settings_explain(change, words):
    with pytest.raises(ValueError, match=words):
        PairedTrainer(**{**SMALL, **change})


def test_batch_one_with_group_norm_trains():
    pair = PairedTrainer(**{**SMALL, "batch_size": 1, "norm": "group"})
    assert pair.step(5) == 5


def test_cnn_pair_on_digits():
    pair = PairedTrainer(dataset="digits", arch="cnn", depth=2, width=8, activation="relu", init="he", lr=0.05,
                         batch_size=16, record_every=2)
    pair.step(4)
    assert pair.snapshot().normed.unit_percentiles.shape == (3, 8)


def test_batch_size_experiment_cells_and_progress():
    cfg = BatchSizeConfig(dataset="moons", depth=2, width=16, steps=30, batch_sizes=(2, 16), lr=0.1)
    seen = []
    res = batch_size_experiment(cfg, progress=lambda i, n: seen.append((i, n)))
    assert seen[-1] == (6, 6) and len(res.cells) == 6
    none = res.curve("none")
    np.testing.assert_array_equal(none, res.curve("none", "batch"))  # no norm: both evaluations agree
    assert res.curve("group").tolist() == res.curve("group", "batch").tolist()
    assert run_cell(cfg, "batch", 16) == run_cell(cfg, "batch", 16)  # seeded
