"""Santurkar et al.'s smoothness measurements: closed forms on a quadratic, torch.func in float64 on a BN net, and
the lockstep training they ride on left untouched."""

from dataclasses import replace

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch.func import functional_call

from core.bn_twins import Batches, NetSettings, split_of, twins
from core.smoothness import SmoothnessConfig, passes, probe_along_gradient, smoothness

torch.set_num_threads(1)  # as app.py sets it; two threads only contend on the shared machine
TINY = SmoothnessConfig(net=NetSettings(depth=2, width=16), steps=30, record_every=10, probes=3)


@pytest.fixture(scope="module")
def tiny():
    return smoothness(TINY)


def test_quadratic_closed_forms():
    # L = ½ xᵀAx: ∇L = Ax, so at x' = x − ηg the gradient changes by ηAg and the step is η‖g‖ long.
    rng = np.random.default_rng(0)
    q = rng.standard_normal((5, 5))
    a = torch.tensor(q @ q.T + np.diag([0.1, 1, 2, 5, 10]), dtype=torch.float64)
    x = torch.tensor(rng.standard_normal(5), requires_grad=True)
    start = x.detach().clone()

    def loss():
        return 0.5 * x @ a @ x

    g = a @ start
    etas = [0.01, 0.05, 0.2]
    p = probe_along_gradient(loss, [x], [g], etas)
    for i, eta in enumerate(etas):
        y = start - eta * g
        assert p.losses[i] == pytest.approx(float(0.5 * y @ a @ y), rel=1e-12)
        assert p.grad_change[i] == pytest.approx(float(torch.linalg.norm(eta * (a @ g))), rel=1e-12)
        assert p.distance[i] == pytest.approx(eta * float(torch.linalg.norm(g)), rel=1e-12)
    ratio = float(torch.linalg.norm(a @ g) / torch.linalg.norm(g))
    assert p.beta == pytest.approx(ratio, rel=1e-12)  # the same at every η for a quadratic
    assert p.beta <= float(torch.linalg.eigvalsh(a).max()) + 1e-12
    assert p.loss == pytest.approx(float(0.5 * start @ a @ start), rel=1e-12)
    assert torch.equal(x.detach(), start)  # put back bit for bit


def test_a_batch_norm_net_matches_functional_call_in_float64():
    split = split_of(NetSettings())
    net = twins(NetSettings(depth=2, width=12), split, ("none", "batch"))[1].double()
    x, y = torch.from_numpy(split.x_train[:32]).double(), torch.from_numpy(split.y_train[:32])
    params = list(net.parameters())
    names = [n for n, _ in net.named_parameters()]
    loss = F.cross_entropy(net(x), y)
    grads = torch.autograd.grad(loss, params)
    running = net.blocks[0].norm.running_mean.clone()
    etas = [0.05, 0.2, 0.4]
    from core.activation_capture import probe_mode
    with probe_mode(net):
        p = probe_along_gradient(lambda: F.cross_entropy(net(x), y), params, grads, etas)
    assert torch.equal(net.blocks[0].norm.running_mean, running)  # probing leaves the running statistics
    buffers = {n: b.clone() for n, b in net.named_buffers()}
    g0 = torch.cat([g.reshape(-1) for g in grads])
    for i, eta in enumerate(etas):
        moved = {n: (w.detach() - eta * g).requires_grad_() for n, w, g in zip(names, params, grads, strict=True)}
        out = F.cross_entropy(functional_call(net, {**moved, **buffers}, (x,)), y)
        g1 = torch.cat([g.reshape(-1) for g in torch.autograd.grad(out, list(moved.values()))])
        assert p.losses[i] == pytest.approx(float(out.detach()), rel=1e-10)
        assert p.grad_change[i] == pytest.approx(float(torch.linalg.norm(g0 - g1)), rel=1e-9)
        assert p.distance[i] == pytest.approx(eta * float(torch.linalg.norm(g0)), rel=1e-9)
    assert p.beta == pytest.approx(float(np.max(p.grad_change / p.distance)), rel=1e-12)


def test_probing_leaves_the_training_as_it_would_be(tiny):
    # The same twins trained by a plain loop without probes reach the same losses at the recorded steps.
    split = split_of(TINY.net)
    nets = twins(TINY.net, split, ("none", "batch"))
    opts = [torch.optim.SGD(n.parameters(), lr=TINY.net.lr) for n in nets]
    xs, ys = torch.from_numpy(split.x_train), torch.from_numpy(split.y_train)
    batches, seen = Batches(len(xs), TINY.net.batch_size, TINY.net.seed), []
    for step in range(TINY.steps):
        idx = batches.next()
        losses = []
        for net, opt in zip(nets, opts, strict=True):
            loss = F.cross_entropy(net(xs[idx]), ys[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(float(loss.detach()))
        if step % TINY.record_every == 0:
            seen.append(losses)
    np.testing.assert_allclose(tiny.loss, np.array(seen).T, rtol=1e-6)


def test_result_shapes_bands_and_reproducibility(tiny):
    assert tiny.complete and tiny.steps.tolist() == [0, 10, 20] and tiny.diverged_at == (None, None)
    assert tiny.losses.shape == tiny.grad_change.shape == (2, 3, 3) and tiny.beta.shape == (2, 3)
    lo, hi = tiny.band
    assert np.all(lo <= hi) and np.all(tiny.band_width >= 0)
    np.testing.assert_allclose(tiny.etas, TINY.net.lr * np.array([0.5, 2.25, 4.0]))
    plo, phi = tiny.predictiveness
    assert np.all(plo <= phi) and np.all(tiny.beta > 0)
    again = smoothness(TINY)
    for f in ("loss", "losses", "grad_change", "beta"):
        np.testing.assert_array_equal(getattr(again, f), getattr(tiny, f))
    other = smoothness(replace(TINY, net=replace(TINY.net, seed=1)))
    assert not np.array_equal(other.loss, tiny.loss)


def test_a_diverging_net_is_marked_and_the_other_goes_on():
    r = smoothness(replace(TINY, net=replace(TINY.net, lr=1e8), steps=20, probes=2))
    assert r.diverged_at[0] is None and r.diverged_at[1] is not None  # the BN net's loss overflows first here
    assert len(r.steps) == 2 and np.isfinite(r.loss[0]).all()  # the plain net is still measured
    assert np.isnan(r.loss[1, 1]) and np.isnan(r.beta[1, 1])  # the diverged net's records are gaps


def test_stop_and_cancel():
    r = smoothness(TINY, stop_at=0.0)
    assert not r.complete and len(r.steps) == 0 and r.loss.shape == (2, 0)

    def tick(frac, text):
        if frac > 0.3:
            raise RuntimeError("cancelled")
    with pytest.raises(RuntimeError):
        smoothness(TINY, tick=tick)


def test_bad_settings_are_one_sentence():
    for bad in (replace(TINY, steps=0), replace(TINY, probes=1), replace(TINY, record_every=99),
                replace(TINY, eta_range=(2.0, 1.0))):
        with pytest.raises(ValueError, match=r"\.$"):
            smoothness(bad)
    assert passes(TINY) == 2 * 30 + 2 * 3 * 3 * 1.5
