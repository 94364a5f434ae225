"""Network builder: shapes over the registries, init scales, bias and norm placement, seeding, clear errors."""

import math
from dataclasses import replace

import pytest
import torch
from torch import nn

from core.networks import ACTIVATIONS, INITS, NORMS, NetSpec, build, copy_shared_weights

MLP = NetSpec(in_features=64, n_classes=10, depth=3, width=32)
CNN = replace(MLP, arch="cnn", image_shape=(8, 8), width=16)


@pytest.mark.parametrize("arch", [MLP, CNN], ids=["mlp", "cnn"])
@pytest.mark.parametrize("norm", list(NORMS))
@pytest.mark.parametrize("placement", ["before", "after"])
def test_every_norm_and_placement_gives_finite_logits(arch, norm, placement):
    net = build(replace(arch, norm=norm, placement=placement, residual=True, dropout=0.1), seed=0)
    out = net(torch.rand(6, 64))
    assert out.shape == (6, 10) and torch.isfinite(out).all()
    has_bias = net.blocks[0].linear.bias is not None
    assert has_bias == (norm == "none" or placement == "after")


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
@pytest.mark.parametrize("init", list(INITS))
def test_every_activation_and_init_builds(activation, init):
    net = build(replace(MLP, activation=activation, init=init), seed=1)
    assert torch.isfinite(net(torch.rand(4, 64))).all()


@pytest.mark.parametrize("init, std", [
    ("normal_0.01", lambda fi, fo: 0.01), ("normal_1", lambda fi, fo: 1.0),
    ("xavier", lambda fi, fo: math.sqrt(2 / (fi + fo))), ("he", lambda fi, fo: math.sqrt(2 / fi)),
    ("orthogonal", lambda fi, fo: 1 / math.sqrt(fo)), ("default", lambda fi, fo: 1 / math.sqrt(3 * fi)),
])
def test_weight_scale_matches_the_scheme(init, std):
    spec = NetSpec(400, 10, depth=2, width=400, init=init)
    w = build(spec, seed=0).blocks[1].linear.weight.detach().double()
    assert abs(w.std().item() / std(400, 400) - 1) < 0.02
    if init == "orthogonal":
        torch.testing.assert_close(w @ w.T, torch.eye(400, dtype=torch.float64), atol=1e-4, rtol=0)


def test_same_seed_same_weights_other_seed_other_weights():
    a, b, c = build(MLP, 3), build(MLP, 3), build(MLP, 4)
    for pa, pb in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(pa, pb)
    assert not torch.equal(a.blocks[0].linear.weight, c.blocks[0].linear.weight)


def test_batch_norm_before_activation_normalizes_its_input():
    net = build(replace(MLP, norm="batch", placement="before"), seed=0)
    seen = []
    net.blocks[1].act.register_forward_hook(lambda m, i, o: seen.append(i[0]))
    net(torch.rand(50, 64))
    z = seen[0].double()
    torch.testing.assert_close(z.mean(0), torch.zeros(32, dtype=torch.float64), atol=1e-5, rtol=0)
    torch.testing.assert_close(z.var(0, unbiased=False), torch.ones(32, dtype=torch.float64), atol=1e-3, rtol=0)


def test_norm_after_activation_matches_torch_sequence():
    spec = replace(MLP, depth=1, norm="layer", placement="after", activation="tanh")
    net = build(spec, seed=0).double()
    x = torch.rand(5, 64, dtype=torch.float64)
    blk = net.blocks[0]
    ref = nn.functional.layer_norm(torch.tanh(x @ blk.linear.weight.T + blk.linear.bias), (32,))
    torch.testing.assert_close(blk(x), ref)


def test_residual_adds_the_input_where_widths_agree():
    net = build(replace(MLP, residual=True, activation="relu"), seed=0).double()
    x = torch.rand(3, 32, dtype=torch.float64)
    b = net.blocks[1]
    torch.testing.assert_close(b(x), x + torch.relu(b.linear(x)))
    assert not net.blocks[0].skip  # 64 -> 32 cannot add


def test_seeded_dropout_is_reproducible_and_off_in_eval():
    spec = replace(MLP, dropout=0.5)
    x = torch.rand(8, 64)
    outs = [build(spec, 0)(x) for _ in range(2)]
    torch.testing.assert_close(outs[0], outs[1])
    net = build(spec, 0).eval()
    torch.testing.assert_close(net(x), net(x))


def test_copy_shared_weights_leaves_norm_layers():
    a = build(MLP, 0)
    b = build(replace(MLP, norm="batch"), 1)
    copy_shared_weights(a, b)
    assert torch.equal(a.blocks[2].linear.weight, b.blocks[2].linear.weight)
    assert torch.equal(a.head.bias, b.head.bias)
    assert b.blocks[0].linear.bias is None and torch.equal(b.blocks[0].norm.weight, torch.ones(32))


@pytest.mark.parametrize("change, words", [
    (dict(depth=0), "Depth must be"), (dict(depth=21), "Depth must be"), (dict(width=4), "Width must be"),
    (dict(width=513), "Width must be"), (dict(activation="swish"), "Unknown activation"),
    (dict(init="lecun"), "Unknown initialization"), (dict(norm="weight"), "Unknown normalization"),
    (dict(placement="middle"), "Unknown placement"), (dict(dropout=1.0), "Dropout"),
    (dict(norm="group", width=30, groups=4), "multiple of the number of groups"),
    (dict(arch="cnn"), "CNN needs image data"),
])
def test_bad_settings_raise_a_sentence(change, words):
    with pytest.raises(ValueError, match=words):
        build(replace(MLP, **change))


def test_extremes_build_and_run():
    net = build(NetSpec(64, 10, depth=20, width=512, norm="group"), seed=0)
    assert torch.isfinite(net(torch.rand(2, 64))).all()
    assert net.blocks[0].norm.num_groups == 8
