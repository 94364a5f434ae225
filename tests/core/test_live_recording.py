"""What a live pair records: one fixed range per net and kind over every layer, the shares outside it, gradient
histograms from a fixed sample with exact norms, and held-out evaluations at their own cadence."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from core.activation_capture import probe_mode
from core.paired_trainer import KINDS, PairedTrainer
from core.train_cost import GRAD_SAMPLE


@pytest.fixture(scope="module")
def pair():
    p = PairedTrainer(dataset="moons", depth=4, width=32, activation="relu", init="he", lr=1.0, batch_size=30,
                      record_every=5)
    p.step(60)
    return p


def test_every_layer_of_a_net_shares_one_range_fixed_at_the_first_record(pair):
    first, last = pair.history.steps[0], pair.history.last
    assert first == 0
    for net in (last.plain, last.normed):
        for kind in KINDS:
            edges = [layer.hist(kind).edges for layer in net.layers]
            assert all(np.array_equal(e, edges[0]) for e in edges)
    assert all(np.array_equal(a.plain.layers[2].pre.edges, last.plain.layers[2].pre.edges) for a in pair.history)


def test_outside_shares_are_zero_at_the_first_record_and_never_exceed_the_end_bins(pair):
    snaps = list(pair.history)
    assert not np.any(snaps[0].outside[0]) and not np.any(snaps[0].outside[1])
    grew = False
    for s in snaps:
        for n, net in enumerate((s.plain, s.normed)):
            for k, kind in enumerate(KINDS):
                for i, layer in enumerate(net.layers):
                    below, above = s.outside[n][k, i]
                    counts = layer.hist(kind).counts
                    assert below <= counts[0] + 1e-6 and above <= counts[-1] + 1e-6
                    grew |= below + above > 0
    assert grew  # lr 1.0 on a relu net: values leave the range of step 0, and are counted


def test_gradient_histograms_sample_big_layers_but_norms_are_exact():
    p = PairedTrainer(dataset="digits", depth=2, width=256, activation="tanh", lr=0.1, record_every=10)
    assert 256 * 256 > GRAD_SAMPLE
    twin = PairedTrainer(dataset="digits", depth=2, width=256, activation="tanh", lr=0.1, record_every=10)
    x, y = twin._next_batch()
    net = twin.plain
    with probe_mode(net):
        loss = F.cross_entropy(net(x), y)
        grads = torch.autograd.grad(loss, [b.linear.weight for b in net.blocks])
    recorded = p.history.last.plain.layers
    for layer, g in zip(recorded, grads, strict=True):
        assert layer.grad_norm == pytest.approx(float(g.norm()), rel=1e-5)
        assert float(layer.grad.counts.sum()) == pytest.approx(1.0, abs=1e-5)


def test_evaluations_follow_their_cadence_and_are_carried_between():
    p = PairedTrainer(dataset="moons", depth=2, width=16, lr=0.1, batch_size=30, record_every=2, accuracy_every=6)
    p.step(20)
    snaps = list(p.history)
    assert [s.step for s in snaps if s.evaluated] == [0, 6, 12, 18]
    for a, b in zip(snaps, snaps[1:], strict=False):
        if not b.evaluated:
            assert b.plain.test_accuracy == a.plain.test_accuracy
