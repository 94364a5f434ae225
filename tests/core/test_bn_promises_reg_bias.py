"""Promises 3 and 4: the regularization gap and the redundant bias, against plain torch loops, the paper's NumPy
backward and closed forms; and the claims the page makes, on the default presets."""

import time
from dataclasses import replace

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from core.bn_backward import batch_norm_backward, batch_norm_forward
from core.bn_promises.bias import BIAS_SETUP, EPS64, BiasConfig, bias_redundancy, twin_nets
from core.bn_promises.common import batch_order, data
from core.bn_promises.regularization import (
    REG_SETUP,
    VARIANTS,
    RegularizationConfig,
    regularization_gap,
    variant_nets,
)
from core.networks import NetSpec, build, copy_shared_weights
from views.histograms.promises import bias as bias_view
from views.histograms.promises import regularizer as reg_view

torch.set_num_threads(1)  # as app.py sets it: on a busy 2-core machine a second intra-op thread only waits
SMALL = RegularizationConfig(setup=replace(REG_SETUP, steps=60), n_train=30, every=20)


@pytest.fixture(scope="module")
def small():
    return regularization_gap(SMALL)


@pytest.fixture(scope="module")
def reg_default():
    return regularization_gap(RegularizationConfig())


@pytest.fixture(scope="module")
def bias_default():
    return bias_redundancy(BiasConfig())


# --- regularization gap ---------------------------------------------------------------------------------------

def test_gap_curves_are_train_minus_test_at_the_measured_steps(small):
    assert [c.name for c in small.curves] == [v[0] for v in VARIANTS]
    for c in small.curves:
        assert c.step.tolist() == [0, 20, 40, 60]
        assert np.array_equal(c.gap, c.train_acc - c.test_acc)
    assert small.complete and small.n_test == len(data().y_test)
    assert small.late("plain") == pytest.approx(small.curve("plain").gap[-1])  # last quarter of 4 = 1 point


def test_variants_start_from_the_same_weights():
    nets = variant_nets(SMALL, data())
    for net in nets[1:]:
        for a, b in zip(nets[0].blocks, net.blocks, strict=True):
            assert torch.equal(a.linear.weight, b.linear.weight)
        assert torch.equal(nets[0].head.weight, net.head.weight)
    assert [n.spec.dropout for n in nets] == [0.0, SMALL.dropout, 0.0, SMALL.dropout]
    assert [n.spec.norm for n in nets] == ["none", "none", "batch", "batch"]


def _one_by_one(cfg: RegularizationConfig) -> np.ndarray:
    """The oracle: each variant built from NetSpec and trained alone with torch.optim.SGD on ``batch_order``'s
    batches; accuracies (variants, k, 2) by argmax in eval mode."""
    s, d = cfg.setup, data()
    x, y = d.x_train[:cfg.n_train], d.y_train[:cfg.n_train]
    order = batch_order(cfg.n_train, s.batch_size, s.steps, s.seed)
    nets = []
    for _, norm, drop in VARIANTS:  # all built before any trains: each copies the fresh plain net's weights
        spec = NetSpec(64, 10, s.depth, s.width, s.activation, s.init, norm, dropout=cfg.dropout if drop else 0.0)
        nets.append(build(spec, s.seed))
        copy_shared_weights(nets[0], nets[-1])
    out = []
    for net in nets:
        opt = torch.optim.SGD(net.parameters(), lr=s.lr)
        rows = []
        for t in range(s.steps + 1):
            if t % cfg.every == 0:
                net.eval()
                with torch.no_grad():
                    rows.append([float((net(a).argmax(1) == b).double().mean()) for a, b in
                                 ((x, y), (d.x_test, d.y_test))])
                net.train()
            if t == s.steps:
                break
            idx = torch.from_numpy(order[t])
            loss = F.cross_entropy(net(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        out.append(rows)
    return np.array(out)


def test_lockstep_training_equals_each_net_trained_alone(small):
    oracle = _one_by_one(SMALL)
    for k, c in enumerate(small.curves):
        assert np.array_equal(c.train_acc, oracle[k, :, 0]), c.name
        assert np.array_equal(c.test_acc, oracle[k, :, 1]), c.name


def test_a_diverging_variant_is_marked_and_the_others_go_on():
    cfg = replace(SMALL, setup=replace(SMALL.setup, lr=1e4, steps=20), every=10)
    res = regularization_gap(cfg)
    bad = [c for c in res.curves if c.diverged_at is not None]
    assert bad and res.complete
    for c in bad:
        assert 1 <= c.diverged_at <= 20 and np.isnan(c.test_acc[-1]) and np.isnan(res.late(c.name))


def test_a_deadline_stops_with_what_was_measured():
    res = regularization_gap(SMALL, stop_at=time.monotonic() - 1)
    assert not res.complete and res.steps_done == 0 and len(res.curves[0].step) == 1


def test_bad_settings_are_one_sentence():
    with pytest.raises(ValueError, match="batch size"):
        regularization_gap(replace(SMALL, n_train=12, setup=replace(SMALL.setup, batch_size=20)))
    with pytest.raises(ValueError, match="Dropout"):
        regularization_gap(replace(SMALL, dropout=1.0))


def test_default_preset_claims_hold_on_its_data(reg_default):
    r = reg_default
    assert r.complete and all(c.diverged_at is None for c in r.curves)
    assert min(r.late(v[0], "train_acc") for v in VARIANTS) >= reg_view.FIT  # every net fits the subset
    # On the default preset (seed 0) BN's gap is smaller than plain's by more than the test set's noise.
    assert r.late("plain") - r.late("BN") > reg_view.noise(r, "plain", "BN")
    text = reg_view.claims(r)
    assert text[0].startswith("**Every net learns its 50 training examples**")
    assert f"plain {r.late('plain'):.1%}, BN {r.late('BN'):.1%}" in text[1]
    assert text[1].startswith("**Batch norm narrows the gap here**")


def test_claims_follow_the_data_when_bn_does_not_help(reg_default):
    """The same result with BN's and plain's curves swapped: the sentence turns around."""
    c = {x.name: x for x in reg_default.curves}
    swapped = replace(c["BN"], name="plain", norm="none"), replace(c["plain"], name="BN", norm="batch")
    r = replace(reg_default, curves=(swapped[0], c["plain + dropout"], swapped[1], c["BN + dropout"]))
    assert reg_view.claims(r)[1].startswith("**Here batch norm does not regularize: its gap is larger**")


# --- redundant bias ------------------------------------------------------------------------------------------

def test_twins_compute_the_same_function_whatever_the_bias():
    with_b, without = twin_nets(BiasConfig())
    x = data().x_train[:60].double()
    assert all(blk.linear.bias is not None and blk.linear.bias.abs().max() > 0 for blk in with_b.blocks)
    assert all(blk.linear.bias is None for blk in without.blocks)
    bound = 1 / np.sqrt(64)
    assert float(with_b.blocks[0].linear.bias.detach().abs().max()) <= bound  # nn.Linear's U(-1/sqrt(fan_in), ...)
    ref = without(x).detach()
    assert float((with_b(x).detach() - ref).abs().max()) < 1e-13
    with torch.no_grad():
        for blk in with_b.blocks:
            blk.linear.bias.add_(torch.randn(blk.linear.bias.shape, dtype=torch.float64) * 10)
    assert float((with_b(x).detach() - ref).abs().max()) < 1e-12  # a bias 10x larger still cancels


def test_bias_gradient_is_the_batch_sum_of_the_papers_bn_backward():
    """Oracle: core.bn_backward (Algorithm 1's chain rule in NumPy) gives dL/dz; its batch sum is dL/db."""
    with_b, _ = twin_nets(BiasConfig())
    x, y = data().x_train[:60].double(), data().y_train[:60]
    seen = {}
    blk = with_b.blocks[0]
    blk.linear.register_forward_hook(lambda m, i, o: seen.setdefault("z", o))

    def keep(module, inputs, out):
        out.retain_grad()
        seen["y"] = out
    blk.norm.register_forward_hook(keep)
    F.cross_entropy(with_b(x), y).backward()
    z, dy = seen["z"].detach().numpy(), seen["y"].grad.numpy()
    fwd = batch_norm_forward(z, blk.norm.weight.detach().numpy(), blk.norm.bias.detach().numpy(), eps=blk.norm.eps)
    dz = batch_norm_backward(dy, fwd).dx
    terms = np.abs(dz).sum(0)
    assert np.all(np.abs(dz.sum(0)) <= 60 * EPS64 * terms)  # zero to rounding in NumPy too
    assert np.all(np.abs(blk.linear.bias.grad.numpy() - dz.sum(0)) <= 60 * EPS64 * terms)


def test_default_bias_gradient_is_zero_to_rounding_at_every_step(bias_default):
    r = bias_default
    assert r.complete and r.diverged_at is None and len(r.bias_grad) == BIAS_SETUP.steps
    assert np.all(r.bias_grad <= r.tolerance)
    assert np.all(r.tolerance < 1e-12)  # the bound itself is rounding-sized, not a loose threshold


def test_default_loss_curves_coincide_and_the_bias_stays_put(bias_default):
    r = bias_default
    assert bias_view.coincide(r)
    assert r.loss_with[-1] < 0.5 * r.loss_with[0]  # they coincide while training, not while stuck
    assert r.bias_moved <= BIAS_SETUP.lr * r.bias_grad.sum() + EPS64  # SGD's steps of its ~1e-16 gradients at most
    assert r.beta_diff <= bias_view.COINCIDE


def test_eval_mode_difference_decays_with_the_running_mean(bias_default):
    r = bias_default
    t = int(r.eval_step[-1])
    assert r.eval_step[0] == 0 and t == BIAS_SETUP.steps and r.eval_diff[0] > 1e-3
    # What is left is the bias share 0.9^t the running mean has not learned, or rounding, whichever is larger.
    assert r.eval_diff[-1] <= 10 * max(r.eval_diff[0] * 0.9 ** t, r.output_diff.max())


def test_running_mean_carries_the_bias_as_one_minus_0_9_to_the_t():
    """Closed form: batch means differ by exactly b, so running means differ by b (1 - 0.9^t) after t steps."""
    cfg = BiasConfig(setup=replace(BIAS_SETUP, steps=5))
    with_b, without = twin_nets(cfg)
    d = data()
    for t in range(5):
        xb = d.x_train[t * 60:(t + 1) * 60].double()
        with_b(xb), without(xb)
    for a, b in zip(with_b.blocks, without.blocks, strict=True):
        want = a.linear.bias.detach() * (1 - 0.9 ** 5)
        assert torch.allclose(a.norm.running_mean - b.norm.running_mean, want, atol=1e-14, rtol=0)


def test_adam_with_weight_decay_moves_the_bias_and_the_function_stays():
    cfg = BiasConfig(setup=replace(BIAS_SETUP, steps=40, lr=0.01), optimizer="adam", weight_decay=1e-2)
    r = bias_redundancy(cfg)
    assert r.bias_moved > 1e-3 and bias_view.coincide(r) and np.all(r.bias_grad <= r.tolerance)
    assert "moved" in bias_view.claims(r)[2] and "lags behind" in bias_view.claims(r)[3]


def test_diverging_twins_are_marked_not_raised():
    r = bias_redundancy(BiasConfig(setup=replace(BIAS_SETUP, steps=40, lr=1e300, activation="relu")))
    assert r.diverged_at is not None and r.complete and len(r.loss_with) == r.diverged_at - 1


def test_default_bias_claims(bias_default):
    text = bias_view.claims(bias_default)
    assert text[0].startswith(f"**The bias gradient is zero to rounding at every one of the {BIAS_SETUP.steps} steps**")
    assert f"{bias_default.bias_grad.max():.1e}" in text[0]
    assert text[1].startswith("**The two loss curves coincide**")
    assert text[2].startswith("The bias stayed put") and "β ended the same" in text[2]
    assert "0.9^300" in text[3]
