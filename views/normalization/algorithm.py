"""The BatchNorm step by step tab: Ioffe & Szegedy's Algorithm 1 on a 6 x 3 batch, then the backward formulas
checked against torch's autograd."""

from __future__ import annotations

import streamlit as st

from core.bn_backward import BNForward, autograd_grads, batch_norm_backward, batch_norm_forward, max_abs_error
from core.feature_maps import tiny_batch
from core.norm_report import algorithm_rows
from views.normalization import controls
from views.normalization.config import CubeConfig
from views.ui import charts, frame

EPS = 1e-5  # torch's default: the autograd check runs F.batch_norm with the same eps
BACKWARD = (
    r"\frac{\partial L}{\partial \hat x_i} = \frac{\partial L}{\partial y_i}\gamma \qquad "
    r"\frac{\partial L}{\partial \sigma_B^2} = \sum_i \frac{\partial L}{\partial \hat x_i}"
    r"(x_i-\mu_B)\cdot\frac{-1}{2}(\sigma_B^2+\epsilon)^{-3/2}",
    r"\frac{\partial L}{\partial \mu_B} = \sum_i \frac{\partial L}{\partial \hat x_i}"
    r"\frac{-1}{\sqrt{\sigma_B^2+\epsilon}} + \frac{\partial L}{\partial \sigma_B^2}"
    r"\frac{\sum_i -2(x_i-\mu_B)}{m}",
    r"\frac{\partial L}{\partial x_i} = \frac{\partial L}{\partial \hat x_i}"
    r"\frac{1}{\sqrt{\sigma_B^2+\epsilon}} + \frac{\partial L}{\partial \sigma_B^2}"
    r"\frac{2(x_i-\mu_B)}{m} + \frac{\partial L}{\partial \mu_B}\frac{1}{m}\qquad"
    r"\frac{\partial L}{\partial \gamma} = \sum_i \frac{\partial L}{\partial y_i}\hat x_i\qquad"
    r"\frac{\partial L}{\partial \beta} = \sum_i \frac{\partial L}{\partial y_i}",
)
FORMATTED = ("x_i − μ_B", "x̂_i", "y_i", "dL/dx_i (formulas below)")  # 4 decimals; the given numbers have 2


def _forward(fwd: BNForward, j: int) -> None:
    st.markdown(f"A mini-batch of m = {fwd.m} samples with 3 features (channels); BatchNorm works per channel. "
                f"Channel {j}, with γ = {fwd.gamma[j]:g} and β = {fwd.beta[j]:g}:")
    xs = ", ".join(f"{v:g}" for v in fwd.x[:, j])
    st.latex(rf"\mu_B = \frac{{1}}{{m}}\sum_i x_i = \frac{{{xs.replace(', ', ' + ')}}}{{{fwd.m}}} = "
             rf"{fwd.mu[j]:.4f}")
    st.latex(rf"\sigma_B^2 = \frac{{1}}{{m}}\sum_i (x_i-\mu_B)^2 = {fwd.var[j]:.4f}\qquad"
             r"\hat x_i = \frac{x_i-\mu_B}{\sqrt{\sigma_B^2+\epsilon}}\qquad y_i = \gamma\hat x_i + \beta")


def algorithm_1(cube: CubeConfig) -> None:
    """Algorithm 1 written out for one channel, the backward pass, and the check against autograd."""
    cfg = controls.algorithm_config(cube)
    x, gamma, beta, dy = tiny_batch(cfg.seed)
    fwd = batch_norm_forward(x, gamma, beta, eps=EPS)
    grads = batch_norm_backward(dy, fwd)
    j = cfg.channel
    _forward(fwd, j)
    charts.table(algorithm_rows(fwd, grads, dy, j),
                 column_config={k: st.column_config.NumberColumn(format="%.4f") for k in FORMATTED})
    st.markdown("**Backward pass** (the paper's chain rule; every sum runs over the m values of the channel):")
    if frame.show_equations():
        for line in BACKWARD:
            st.latex(line)
    errors = max_abs_error(grads, autograd_grads(x, gamma, beta, dy, eps=EPS))
    cols = st.columns(5)
    cols[0].metric(f"dL/dγ (c = {j})", f"{grads.dgamma[j]:.4f}")
    cols[1].metric(f"dL/dβ (c = {j})", f"{grads.dbeta[j]:.4f}")
    for col, (k, err) in zip(cols[2:], errors.items(), strict=True):
        col.metric(f"max |{k} − autograd|", f"{err:.1e}", help="torch autograd through F.batch_norm, float64")
    st.caption("The last three numbers compare the formulas above, written out in NumPy, with torch's autograd "
               "on the same batch: they agree to rounding. Note Σ_i dL/dx_i = 0 for every channel: shifting a "
               f"whole channel does not change BatchNorm's output (here {grads.shift_residual:.0e}).")
