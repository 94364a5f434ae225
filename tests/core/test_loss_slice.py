"""Li et al.'s definitions, checked: filter normalization, BN/bias components, the slice's centre, PCA and the
projection frame, and the batched evaluation against one model load and forward per grid point."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from core.datasets import load
from core.loss_slice import (
    filter_mask,
    filter_normalized_direction,
    flat_params,
    loss_at,
    loss_slice,
    pca_directions,
    project,
)
from core.networks import NetSpec, build

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def data():
    s = load("digits", seed=0)
    return torch.from_numpy(s.x_test[:120]), torch.from_numpy(s.y_test[:120])


def _nets():
    mlp = build(NetSpec(64, 10, depth=2, width=32, norm="batch"), seed=0)
    with torch.no_grad():  # running statistics and BN affine parameters away from their defaults
        for m in mlp.modules():
            if isinstance(m, torch.nn.BatchNorm1d):
                m.running_mean.normal_(0, 0.3)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0, 0.2)
    cnn = build(NetSpec(64, 10, depth=2, width=8, activation="relu", init="he", arch="cnn", image_shape=(8, 8)), 0)
    plain = build(NetSpec(64, 10, depth=2, width=32, activation="tanh"), seed=1)
    return {"mlp_bn": mlp, "cnn": cnn, "mlp": plain}


NETS = _nets()


@pytest.mark.parametrize("name", list(NETS))
def test_filter_norms_match_the_weights_and_bias_bn_components_are_zero(name):
    net = NETS[name]
    d = filter_normalized_direction(net, torch.Generator().manual_seed(3))
    start = 0
    for p in net.parameters():
        part = d[start:start + p.numel()].reshape(p.shape)
        start += p.numel()
        if p.dim() < 2:  # biases, BN weight and bias
            assert torch.all(part == 0)
        else:  # every filter (row / output channel) has the norm of the same filter of the weights
            np.testing.assert_allclose(part.reshape(len(p), -1).norm(dim=1), p.detach().reshape(len(p), -1).norm(dim=1),
                                       rtol=1e-5)
    assert torch.equal(d != 0, filter_mask(net) & (d != 0)) and filter_mask(net).sum() < len(d)


@pytest.mark.parametrize("name", list(NETS))
def test_slice_matches_one_forward_per_point_and_its_centre_is_the_net(name, data):
    """The oracle: load each grid point's weights into the real module (eval mode), one forward, float64 CE."""
    net, (x, y) = NETS[name], data
    d1, d2 = (filter_normalized_direction(net, torch.Generator().manual_seed(s)) for s in (1, 2))
    alphas, betas = np.linspace(-1, 1, 5), np.linspace(-0.5, 0.5, 3)
    z = loss_slice(net, (d1, d2), x, y, alphas, betas, chunk=4)
    assert z.shape == (3, 5)
    twin, c = build(net.spec, 0), flat_params(net)
    twin.load_state_dict(net.state_dict())
    twin.eval()
    with torch.no_grad():
        for j, b in enumerate(betas):
            for i, a in enumerate(alphas):
                torch.nn.utils.vector_to_parameters(c + float(a) * d1 + float(b) * d2, twin.parameters())
                assert z[j, i] == pytest.approx(F.cross_entropy(twin(x).double(), y).item(), rel=1e-5, abs=1e-6)
    centre = loss_slice(net, (d1, d2), x, y, np.array([0.0]), np.array([0.0]))[0, 0]
    assert centre == pytest.approx(loss_at(net, c, x, y), rel=1e-6)
    assert net.training  # the mode is restored


def test_same_seed_same_slice(data):
    net, (x, y) = NETS["mlp"], data
    z = [loss_slice(net, tuple(filter_normalized_direction(net, torch.Generator().manual_seed(s)) for s in (1, 2)),
                    x, y, np.linspace(-1, 1, 4), np.linspace(-1, 1, 4)) for _ in range(2)]
    np.testing.assert_array_equal(z[0], z[1])


def _history():
    rng = np.random.default_rng(0)
    steps = np.cumsum(rng.normal(size=(12, 40)) * np.linspace(3, 0.1, 40), axis=0)
    return steps, steps[-1]


def test_pca_explained_variance_sums_to_the_total_and_directions_are_orthonormal():
    hist, final = _history()
    pca = pca_directions(hist, final, k=3)
    m = hist - final
    m = m - m.mean(0)
    total = np.trace(np.cov(m.T))  # the covariance of the differences, as scikit-learn's PCA sees it
    assert pca.total_variance == pytest.approx(total, rel=1e-10)
    assert pca.explained_variance.sum() == pytest.approx(total, rel=1e-10)
    np.testing.assert_allclose(pca.ratio, np.linalg.svd(m, compute_uv=False)[:3] ** 2 / (m ** 2).sum(), rtol=1e-9)
    np.testing.assert_allclose(pca.directions @ pca.directions.T, np.eye(3), atol=1e-10)
    assert np.all(np.diff(pca.ratio) <= 0) and pca.ratio.sum() <= 1


def test_pca_mask_zeroes_bias_columns_and_the_final_weights_project_to_the_origin():
    hist, final = _history()
    mask = np.arange(40) % 5 != 0
    pca = pca_directions(hist, final, mask=mask)
    assert np.all(pca.directions[:, ~mask] == 0)
    xy = project(hist, final, pca.directions)
    assert xy.shape == (12, 2)
    np.testing.assert_allclose(xy[-1], 0.0, atol=1e-12)  # Li et al.'s frame: centred on the final weights
    # orthonormal directions: least squares is the plain dot product
    np.testing.assert_allclose(xy, (hist - final) @ pca.directions.T, atol=1e-9)


def test_project_recovers_coordinates_on_non_orthogonal_directions():
    rng = np.random.default_rng(1)
    d = rng.normal(size=(2, 30))
    coords = rng.normal(size=(6, 2))
    centre = rng.normal(size=30)
    np.testing.assert_allclose(project(centre + coords @ d, centre, d), coords, atol=1e-10)
