"""The normalization page's report functions against torch and the closed forms they restate."""

import numpy as np
import torch
import torch.nn.functional as F

from core.bn_backward import autograd_grads, batch_norm_backward, batch_norm_forward
from core.feature_maps import batch_stream, tiny_batch, token_batch
from core.norm_report import algorithm_rows, batch_of_one, running_report, token_norms


def test_algorithm_rows_restate_the_forward_and_backward_pass():
    x, gamma, beta, dy = tiny_batch(0)
    fwd = batch_norm_forward(x, gamma, beta, eps=1e-5)
    rows = algorithm_rows(fwd, batch_norm_backward(dy, fwd), dy, 1)
    auto = autograd_grads(x, gamma, beta, dy, eps=1e-5)
    assert len(rows) == x.shape[0]
    np.testing.assert_allclose([r["x_i"] for r in rows], x[:, 1])
    assert abs(sum(r["x_i − μ_B"] for r in rows)) < 1e-12  # centred over the batch
    np.testing.assert_allclose([r["dL/dx_i (formulas below)"] for r in rows], auto.dx[:, 1], atol=1e-12)


def test_token_norms_match_torch_layer_norm_and_rms_norm():
    x, eps = token_batch(3, 7, 8, 0), 1e-5
    got = token_norms(x, eps)
    t = torch.tensor(x)
    ln, rms = F.layer_norm(t, (8,), eps=eps).numpy(), F.rms_norm(t, (8,), eps=eps).numpy()
    assert np.isclose(got.gap, np.max(np.abs(ln - rms)), atol=1e-12)
    np.testing.assert_allclose(got.moments["LayerNorm"][0], 0.0, atol=1e-12)  # every token centred
    np.testing.assert_allclose(got.moments["RMSNorm"][1], 1.0, atol=1e-4)  # every token at RMS 1 (eps aside)
    np.testing.assert_allclose(got.rms_offset, np.max(np.abs(rms.mean(axis=-1))), atol=1e-12)


def test_running_report_holds_both_conventions_and_the_population():
    batches = batch_stream("synthetic", 12, 4, 3, 2, 2, 0)
    rep = running_report(batches, 0.1, 0.9)
    m = 4 * 2 * 2
    assert rep.m == m and rep.batch_means.shape == (12, 3)
    np.testing.assert_allclose(rep.mean, np.mean([b.mean(axis=(0, 2, 3)) for b in batches], axis=0))
    np.testing.assert_allclose(rep.var, m / (m - 1) * np.mean([b.var(axis=(0, 2, 3)) for b in batches], axis=0))
    np.testing.assert_allclose(rep.torch.mean[1], 0.9 * 0.0 + 0.1 * batches[0].mean(axis=(0, 2, 3)))
    np.testing.assert_allclose(rep.keras.mean[1], rep.torch.mean[1])  # torch 0.1 is Keras 0.9 for the mean


def test_the_page_numbers_behind_two_claims():
    """The captions say sum_i dL/dx_i = 0 per channel and that batch-of-one BN zeroes each channel's mean."""
    x, gamma, beta, dy = tiny_batch(0)
    grads = batch_norm_backward(dy, batch_norm_forward(x, gamma, beta, eps=1e-5))
    assert grads.shift_residual == np.max(np.abs(grads.dx.sum(axis=0))) and grads.shift_residual < 1e-12
    batches = batch_stream("digits", 9, 4, 3, 4, 4, 0)
    one = batch_of_one(batches[:-1], batches[-1][:1])
    assert one.largest_mean_batch < 1e-12 < one.largest_mean_running
