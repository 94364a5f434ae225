"""normalize against torch.nn.functional (and torch.nn.RMSNorm) in float64; sets, counts and bad input."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from core.normalization import (
    NORMALIZATIONS,
    affine_shape,
    divisors,
    normalize,
    set_ids,
    set_stats,
    shared_stats_mask,
    stat_count,
    stats_shape,
    zero_variance_sets,
)

LAYOUTS = ("features", "sequence", "image")


def _shape(rng, layout: str) -> tuple[int, ...]:
    n, c = int(rng.integers(2, 6)), int(rng.choice([2, 4, 6, 8, 12]))
    if layout == "features":
        return n, c
    if layout == "sequence":
        return n, int(rng.integers(2, 7)), c
    return n, c, int(rng.integers(1, 6)), int(rng.integers(2, 6))


def _torch(x: np.ndarray, kind: str, groups, eps: float, weight, bias) -> np.ndarray:
    """torch's answer; our sequences are (N, L, C), torch's per-channel ops want (N, C, L)."""
    seq = x.ndim == 3
    t = torch.from_numpy(x.transpose(0, 2, 1).copy() if seq and kind in ("batch", "instance", "group") else x)
    w = None if weight is None else torch.from_numpy(weight)
    b = None if bias is None else torch.from_numpy(bias)
    if kind == "batch":
        y = F.batch_norm(t, None, None, w, b, training=True, eps=eps)
    elif kind == "instance":
        y = F.instance_norm(t, weight=w, bias=b, eps=eps)
    elif kind == "group":
        y = F.group_norm(t, groups, w, b, eps=eps)
    elif kind == "layer":
        y = F.layer_norm(t, affine_shape(x.shape, kind), w, b, eps=eps)
    else:
        layer = torch.nn.RMSNorm(affine_shape(x.shape, kind), eps=eps, dtype=torch.float64)
        with torch.no_grad():
            layer.weight.copy_(w if w is not None else torch.ones_like(layer.weight))
            y = layer(t)
    y = y.detach().numpy()
    return y.transpose(0, 2, 1) if seq and kind in ("batch", "instance", "group") else y


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("kind", list(NORMALIZATIONS))
@pytest.mark.parametrize("seed", range(4))
def test_matches_torch_float64(kind, layout, seed):
    rng = np.random.default_rng(seed)
    shape = _shape(rng, layout)
    x = rng.normal(size=shape) * rng.uniform(0.1, 5) + rng.normal() * 3
    if kind == "instance" and layout == "features":  # one value per set: torch refuses, so do we
        with pytest.raises(ValueError):
            F.instance_norm(torch.from_numpy(x))
        with pytest.raises(ValueError, match="more than one value per set"):
            normalize(x, kind)
        return
    c = shape[2] if layout == "sequence" else shape[1]
    groups = int(rng.choice(divisors(c))) if kind == "group" else None
    eps = float(rng.choice([1e-5, 1e-3, 0.1]))
    affine = seed % 2 == 1
    weight = rng.normal(size=affine_shape(shape, kind)) if affine else None
    bias = rng.normal(size=affine_shape(shape, kind)) if affine and kind != "rms" else None
    ours = normalize(x, kind, groups=groups, eps=eps, weight=weight, bias=bias)
    assert ours.shape == x.shape
    np.testing.assert_allclose(ours, _torch(x, kind, groups, eps, weight, bias), rtol=0, atol=1e-6)


@pytest.mark.parametrize("kind", list(NORMALIZATIONS))
def test_set_stats_match_direct_computation(kind):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3, 6, 2, 3)) + 2
    st_ = set_stats(x, kind, groups=3)
    ids = set_ids(x.shape, kind, groups=3)
    assert st_.mean.shape == stats_shape(x.shape, kind, groups=3)
    flat_mean, flat_var = st_.mean.ravel(), st_.var.ravel()
    for k in np.unique(ids):
        vals = x[ids == k]
        center = 0.0 if kind == "rms" else vals.mean()
        assert flat_mean[k] == pytest.approx(center, abs=1e-12)
        assert flat_var[k] == pytest.approx(np.mean((vals - center) ** 2), abs=1e-12)


@pytest.mark.parametrize(("kind", "count"), [("batch", 6), ("layer", 3), ("instance", 18), ("group", 6),
                                             ("rms", 3)])
def test_stat_counts_and_affine_shapes(kind, count):
    shape = (3, 6, 4, 5)
    assert stat_count(shape, kind, groups=2) == count
    assert len(np.unique(set_ids(shape, kind, groups=2))) == count
    assert affine_shape(shape, kind) == ((6, 4, 5) if kind in ("layer", "rms") else (6,))
    assert stat_count((3, 7, 6), "layer") == 21  # a sequence: one LayerNorm set per token


def _shapes():
    return st.tuples(st.integers(1, 4), st.sampled_from([1, 2, 3, 4, 6]), st.integers(1, 4), st.integers(1, 4))


@settings(max_examples=60, deadline=None)
@given(shape=_shapes(), kind=st.sampled_from(["batch", "layer", "instance", "group"]), data=st.data())
def test_output_has_mean_0_var_1_over_exactly_the_masked_set(shape, kind, data):
    n, c, h, w = shape
    groups = data.draw(st.sampled_from(divisors(c)))
    size = np.prod(shape) // stat_count(shape, kind, groups)
    if size < 2:
        return  # one value per set: nothing to normalize (and BN/IN raise, tested elsewhere)
    index = tuple(data.draw(st.integers(0, d - 1)) for d in shape)
    x = np.random.default_rng(data.draw(st.integers(0, 2**16))).normal(size=shape) * 3 + 1
    y = normalize(x, kind, groups=groups, eps=1e-12)
    mask = shared_stats_mask(shape, kind, index, groups=groups)
    assert mask.sum() == size and mask[index]
    np.testing.assert_allclose(y[mask].mean(), 0.0, atol=1e-9)
    np.testing.assert_allclose(y[mask].var(), 1.0, atol=1e-6)
    # a set is exactly the masked elements: normalizing them alone gives the same numbers
    alone = (x[mask] - x[mask].mean()) / np.sqrt(x[mask].var() + 1e-12)
    np.testing.assert_allclose(y[mask], alone, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(shape=_shapes(), seed=st.integers(0, 2**16))
def test_group_norm_extremes_are_layer_and_instance_norm(shape, seed):
    n, c, h, w = shape
    x = np.random.default_rng(seed).normal(size=shape)
    np.testing.assert_allclose(normalize(x, "group", groups=1), normalize(x, "layer"), atol=1e-12)
    if h * w > 1:
        np.testing.assert_allclose(normalize(x, "group", groups=c), normalize(x, "instance"), atol=1e-12)
    assert (set_ids(shape, "group", 1) == set_ids(shape, "layer")).all()
    assert (set_ids(shape, "group", c) == set_ids(shape, "instance")).all()


def test_rms_norm_has_unit_root_mean_square_but_keeps_the_mean():
    x = np.random.default_rng(0).normal(size=(4, 5, 8)) + 2.0
    y = normalize(x, "rms", eps=1e-12)
    np.testing.assert_allclose(np.sqrt(np.mean(y**2, axis=-1)), 1.0, atol=1e-9)
    assert np.all(y.mean(axis=-1) > 0.5)


@pytest.mark.parametrize(("call", "words"), [
    (lambda x: normalize(x, "group", groups=5), "does not divide C = 6"),
    (lambda x: normalize(x, "group", groups=0), "1 <= G <= C"),
    (lambda x: normalize(x, "group", groups=2.5), "whole number"),
    (lambda x: normalize(x, "batch", eps=0.0), "eps must be a small positive"),
    (lambda x: normalize(x, "layer", eps=-1e-5), "eps must be a small positive"),
    (lambda x: normalize(x, "layer", eps=float("nan")), "eps must be a small positive"),
    (lambda x: normalize(x[:1, :, 0, 0], "batch"), "more than one value per set"),
    (lambda x: normalize(x[:, :, 0, 0], "instance"), "more than one value per set"),
    (lambda x: normalize(x, "cheese"), "Unknown normalization"),
    (lambda x: normalize(x[0, 0, 0], "layer"), "shape (N, C), (N, L, C) or (N, C, H, W)"),
    (lambda x: normalize(x, "batch", weight=np.ones(5)), "must have shape (6,)"),
    (lambda x: normalize(x, "rms", bias=np.ones((6, 3, 3))), "no bias"),
    (lambda x: normalize(np.where(x > 0, np.inf, x), "layer"), "NaN or infinity"),
    (lambda x: shared_stats_mask(x.shape, "batch", (0, 6, 0, 0)), "outside a tensor"),
])
def test_bad_input_raises_a_readable_sentence(call, words):
    x = np.random.default_rng(0).normal(size=(2, 6, 3, 3))
    with pytest.raises(ValueError) as err:
        call(x)
    assert words in str(err.value)


def test_torch_also_refuses_a_batch_of_one_in_training():
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        F.batch_norm(torch.ones(1, 3, dtype=torch.float64), None, None, training=True)


@pytest.mark.parametrize("kind", list(NORMALIZATIONS))
def test_constant_tensor_gives_finite_output_equal_to_beta(kind):
    x = np.full((2, 4, 3, 3), 7.0)
    bias = None if kind == "rms" else np.full(affine_shape(x.shape, kind), 0.25)
    y = normalize(x, kind, groups=2, bias=bias)
    assert np.isfinite(y).all()
    if kind != "rms":
        np.testing.assert_array_equal(y, 0.25)
        assert zero_variance_sets(x, kind, groups=2) == stat_count(x.shape, kind, groups=2)


def test_feature_maps_are_seeded_real_conv_outputs_and_bounded():
    from core.feature_maps import conv3x3, digit_feature_map, feature_map, synthetic_feature_map

    a, b = digit_feature_map(3, 5, 6, 7, seed=1), digit_feature_map(3, 5, 6, 7, seed=1)
    assert a.x.shape == (3, 5, 6, 7) and a.images.shape == (3, 6, 7)
    np.testing.assert_array_equal(a.x, b.x)
    # the conv is a real cross-correlation: compare with torch's conv2d ('same' padding)
    w, bias = np.random.default_rng(0).normal(size=(2, 3, 3)), np.array([0.5, -1.0])
    ref = F.conv2d(torch.from_numpy(a.images[:, None]), torch.from_numpy(w[:, None]), torch.from_numpy(bias), padding=1)
    np.testing.assert_allclose(conv3x3(a.images, w, bias), ref.numpy(), atol=1e-12)
    s = synthetic_feature_map(4, 6, 3, 3, seed=2)
    assert not np.allclose(s.x.mean(axis=(0, 2, 3)), s.x.mean())  # channels really have their own offsets
    for bad in ((17, 4, 4, 4), (2, 65, 4, 4), (2, 4, 0, 4)):
        with pytest.raises(ValueError, match="is outside"):
            feature_map("digits", *bad)
    with pytest.raises(ValueError, match="Unknown feature map"):
        feature_map("cats", 2, 2, 2, 2)


def test_report_identities_cell_rows_and_batch_of_one():
    from core.feature_maps import batch_stream
    from core.norm_report import batch_of_one, cell_rows, identity_gaps, run_methods

    x = np.random.default_rng(5).normal(size=(3, 6, 4, 4)) * 2 + 1
    assert all(g < 1e-12 for g in identity_gaps(x, 1e-5).values())
    rows = cell_rows(x, (1, 2, 3, 0), groups=3, eps=1e-5)
    for row, kind in zip(rows, ("batch", "layer", "instance", "group"), strict=True):
        y = normalize(x, kind, groups=3)[1, 2, 3, 0]
        assert row["y (normalized)"] == pytest.approx(y, abs=1e-12)
    res, refused = run_methods(x[:1, :, :1, :1], groups=3, eps=1e-5)
    assert set(refused) == {"batch", "instance"} and set(res) == {"layer", "group"}
    batches = batch_stream("synthetic", 20, 4, 3, 4, 4, seed=0)
    one = batch_of_one(batches[:-1], batches[-1][:1])
    np.testing.assert_allclose(one.channel_means_batch, 0, atol=1e-12)  # BN on one image = InstanceNorm
    assert one.gap > 0.05
