"""The normalization page's other tabs: sequences (LayerNorm vs RMSNorm), BatchNorm's Algorithm 1 and backward
pass, train vs eval running statistics, and the Keras modes. Thin: widgets -> cached core call -> figure."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.bn_backward import autograd_grads, batch_norm_backward, batch_norm_forward, max_abs_error
from core.feature_maps import MAX_L, MAX_N, batch_stream, tiny_batch, token_batch
from core.norm_report import batch_of_one, token_moments
from core.norm_sets import shared_stats_mask
from core.normalization import KERAS_MODES, NORMALIZATIONS, normalize
from core.running_stats import keras_running, population_stats, torch_running
from views import _ui as ui
from viz.cube import CubePanel, cube_cell, cube_figure, cube_mask
from viz.norm_stats import running_figure, token_figure
from viz.theme import plain

MOMENTA = [0.01, 0.03, 0.1, 0.3, 0.5, 1.0]


@st.cache_data(max_entries=32, show_spinner=False)
def _set_cube(shape: tuple, kinds: tuple, titles: tuple, index: tuple, labels: tuple):
    panels = [CubePanel(t, cube_mask(shared_stats_mask(shape, k, index))) for k, t in zip(kinds, titles, strict=True)]
    return plain(cube_figure(panels, cube_cell(index, shape), labels=labels, height=360))  # a dict loads fast


def when_to_use(n: int, c: int, s: int, g: int) -> None:
    """One short claim per method, each pointing at something on the cube above."""
    st.subheader("When each one is used")
    cols = st.columns(4)
    text = {
        "batch": f"Its set spans the **batch**: {n}·{s} = {n * s} values per channel. With healthy batches this is "
                 "a good estimate of the channel's statistics, so **CNNs** use it. Slide N to 1 and the set is one "
                 "image: the statistics become noisy and eval (running averages) disagrees with training.",
        "layer": f"One set per **sample** ({c}·{s} = {c * s} values): no batch axis, so it works at batch size 1 "
                 "and for **RNNs/transformers** where lengths vary (see the Sequences tab).",
        "instance": f"One set per **(sample, channel)** ({s} values): each image loses its own per-channel "
                    "brightness and contrast, which is exactly what **style transfer** wants removed.",
        "group": f"One set per **(sample, group of {c // g} channels)**: between LN and IN and independent of N, "
                 "so **small batches** (detection, segmentation: 1-2 images per GPU) use it.",
    }
    for col, (kind, body) in zip(cols, text.items(), strict=True):
        col.markdown(f"**{NORMALIZATIONS[kind].title}**  \n{body}")


@st.cache_data(max_entries=16, show_spinner=False)
def _tokens(n: int, length: int, c: int, seed: int, eps: float):
    x = token_batch(n, length, c, seed)
    return x, normalize(x, "layer", eps=eps), normalize(x, "rms", eps=eps)


def sequences(n: int, c: int, seed: int, eps: float) -> None:
    """(N, L, C) tokens: LayerNorm and RMSNorm per token, BatchNorm's set for contrast."""
    st.markdown("Transformers store activations as **(N, L, C)**: N sequences of L tokens with C features. "
                "LayerNorm normalizes **each token over its C features**; RMSNorm (LLaMA, T5) only divides by the "
                "root mean square and does not subtract the mean, which saves a reduction.")
    length = ui.slider("L (tokens per sequence)", 2, MAX_L, 12, key="L")
    if c < 2:
        st.warning("A token needs at least C = 2 features to be normalized over them; raise C above.")
        return
    x, ln, rms = _tokens(n, length, c, seed, eps)
    index = (0, length // 2, min(3, c - 1))
    ui.chart(_set_cube((n, length, c), ("batch", "layer", "rms"),
                       ("BatchNorm on tokens<br>mixes sequences", "LayerNorm: one token", "RMSNorm: one token"),
                       index, ("N", "C", "L")), key="seq_cube")
    st.plotly_chart(token_figure({"x": token_moments(x), "LayerNorm": token_moments(ln),
                                  "RMSNorm": token_moments(rms)}), key="tokens")
    left, right = st.columns(2)
    left.metric("max |LayerNorm − RMSNorm| on these tokens", f"{np.max(np.abs(ln - rms)):.3f}")
    right.metric("largest |token mean| after RMSNorm", f"{np.max(np.abs(token_moments(rms)[0])):.3f}")
    st.caption("Left chart: LayerNorm puts every token's mean at 0, RMSNorm keeps each token's offset (scaled). "
               "Right chart: both give every token RMS 1 (LayerNorm's RMS equals its std, 1). The two agree "
               "when a token's features already have mean 0. BatchNorm's set (blue, left cube) runs across "
               "sequences and positions, so padding and the other sequences in the batch would leak into it.")


def algorithm_1(seed: int) -> None:
    """Ioffe & Szegedy's Algorithm 1 on a 6 x 3 batch, then the backward formulas checked against autograd."""
    x, gamma, beta, dy = tiny_batch(seed)
    fwd = batch_norm_forward(x, gamma, beta, eps=1e-5)
    grads = batch_norm_backward(dy, fwd)
    j = ui.radio("Channel", [0, 1, 2], key="alg_c", horizontal=True, format_func=lambda k: f"c = {k}")
    st.markdown(f"A mini-batch of m = {fwd.m} samples with 3 features (channels); BatchNorm works per channel. "
                f"Channel {j}, with γ = {gamma[j]:g} and β = {beta[j]:g}:")
    xs = ", ".join(f"{v:g}" for v in x[:, j])
    st.latex(rf"\mu_B = \frac{{1}}{{m}}\sum_i x_i = \frac{{{xs.replace(', ', ' + ')}}}{{{fwd.m}}} = "
             rf"{fwd.mu[j]:.4f}")
    st.latex(rf"\sigma_B^2 = \frac{{1}}{{m}}\sum_i (x_i-\mu_B)^2 = {fwd.var[j]:.4f}\qquad"
             r"\hat x_i = \frac{x_i-\mu_B}{\sqrt{\sigma_B^2+\epsilon}}\qquad y_i = \gamma\hat x_i + \beta")
    st.dataframe({"x_i": x[:, j], "x_i − μ_B": x[:, j] - fwd.mu[j], "x̂_i": fwd.xhat[:, j], "y_i": fwd.y[:, j],
                  "dL/dy_i (given)": dy[:, j], "dL/dx_i (formulas below)": grads.dx[:, j]},
                 column_config={k: st.column_config.NumberColumn(format="%.4f")
                                for k in ("x_i − μ_B", "x̂_i", "y_i", "dL/dx_i (formulas below)")})
    st.markdown("**Backward pass** (the paper's chain rule; every sum runs over the m values of the channel):")
    if st.session_state.get("eq", True):
        st.latex(r"\frac{\partial L}{\partial \hat x_i} = \frac{\partial L}{\partial y_i}\gamma \qquad "
                 r"\frac{\partial L}{\partial \sigma_B^2} = \sum_i \frac{\partial L}{\partial \hat x_i}"
                 r"(x_i-\mu_B)\cdot\frac{-1}{2}(\sigma_B^2+\epsilon)^{-3/2}")
        st.latex(r"\frac{\partial L}{\partial \mu_B} = \sum_i \frac{\partial L}{\partial \hat x_i}"
                 r"\frac{-1}{\sqrt{\sigma_B^2+\epsilon}} + \frac{\partial L}{\partial \sigma_B^2}"
                 r"\frac{\sum_i -2(x_i-\mu_B)}{m}")
        st.latex(r"\frac{\partial L}{\partial x_i} = \frac{\partial L}{\partial \hat x_i}"
                 r"\frac{1}{\sqrt{\sigma_B^2+\epsilon}} + \frac{\partial L}{\partial \sigma_B^2}"
                 r"\frac{2(x_i-\mu_B)}{m} + \frac{\partial L}{\partial \mu_B}\frac{1}{m}\qquad"
                 r"\frac{\partial L}{\partial \gamma} = \sum_i \frac{\partial L}{\partial y_i}\hat x_i\qquad"
                 r"\frac{\partial L}{\partial \beta} = \sum_i \frac{\partial L}{\partial y_i}")
    errors = max_abs_error(grads, autograd_grads(x, gamma, beta, dy, eps=1e-5))
    cols = st.columns(5)
    cols[0].metric(f"dL/dγ (c = {j})", f"{grads.dgamma[j]:.4f}")
    cols[1].metric(f"dL/dβ (c = {j})", f"{grads.dbeta[j]:.4f}")
    for col, (k, err) in zip(cols[2:], errors.items(), strict=True):
        col.metric(f"max |{k} − autograd|", f"{err:.1e}", help="torch autograd through F.batch_norm, float64")
    st.caption("The last three numbers compare the formulas above, written out in NumPy, with torch's autograd "
               "on the same batch: they agree to rounding. Note Σ_i dL/dx_i = 0 for every channel: shifting a "
               f"whole channel does not change BatchNorm's output (here {np.abs(grads.dx.sum(axis=0)).max():.0e}).")


@st.cache_data(max_entries=16, show_spinner=False)
def _stream(source: str, count: int, b: int, c: int, h: int, w: int, seed: int):
    return batch_stream(source, count + 1, b, c, h, w, seed)


def train_vs_eval(source: str, c: int, h: int, w: int, seed: int) -> None:
    """Running statistics over batches (torch and Keras), the population values, and eval with a batch of one."""
    cols = st.columns([1, 1, 1, 1, 1, 1.1])
    with cols[5]:
        features = ui.toggle("feature vectors (H = W = 1)", False, key="feat",
                             help="Batches of (N, C) vectors: m = N values per channel, so m/(m−1) is large.")
    with cols[0]:
        momentum = ui.select_slider("torch momentum", MOMENTA, 0.1, key="mom",
                                    help="weight of the NEW batch: running = (1 − m)·running + m·batch")
    with cols[1]:
        k_mom = ui.radio("Keras momentum", [0.9, 0.99], key="kmom", horizontal=True, index=1,
                         help="weight of the OLD value: moving = m·moving + (1 − m)·batch")
    with cols[2]:
        count = ui.slider("batches", 5, 200, 60, key="T")
    with cols[3]:
        b = ui.slider("batch size", 2, MAX_N, 4, key="B")
    with cols[4]:
        ch = ui.slider("channel", 0, max(c - 1, 1), 0, key="rc", disabled=c == 1)
    ch = min(ch, c - 1)
    # small maps keep 200 batches fast; the statistics are per channel either way
    h, w = (1, 1) if features else (min(h, 8), min(w, 8))
    batches = _stream(source, count, b, c, h, w, seed)
    train, held = batches[:-1], batches[-1]
    tor, ker = torch_running(train, momentum), keras_running(train, k_mom)
    mean, var = population_stats(train)
    m = b * h * w
    st.plotly_chart(running_figure({f"torch (momentum {momentum})": (tor.mean[:, ch], tor.var[:, ch]),
                                    f"Keras (momentum {k_mom})": (ker.mean[:, ch], ker.var[:, ch])},
                                   (mean[ch], var[ch]), [t.mean(axis=(0, 2, 3))[ch] for t in train]), key="running")
    st.markdown(
        f"Both start at mean 0, variance 1 and forget the start at rate (1 − weight of the new batch): torch's "
        f"momentum {momentum} weighs the new batch, Keras's {k_mom} weighs the old value, so torch 0.1 ≡ Keras 0.9 "
        f"for the mean. **The variances differ by design**: torch stores the unbiased variance "
        f"(× m/(m−1) = {m}/{m - 1} = {m / (m - 1):.4f}, m = batch·H·W values per channel) but normalizes the batch "
        f"with the biased one; Keras stores the biased one. The paper's population variance (dashed) is "
        f"m/(m−1) × the mean of the batch variances: {var[ch]:.4f} here.")
    st.subheader("Eval with the statistics of a batch of one")
    _batch_of_one(train, held, momentum)


def _batch_of_one(train: list, held: np.ndarray, momentum: float) -> None:
    left, right = st.columns([1, 1.4])
    right.markdown(
        "In eval mode BatchNorm must use the **running** statistics. Using the statistics of the batch at hand "
        "with a batch of one image turns BN into InstanceNorm: every channel of that image is forced to mean 0, "
        "so the image's own brightness/contrast is erased and its output no longer matches what the network "
        "was trained on (numbers at the left).")
    try:
        normalize(held[:1, :, 0, 0], "batch")
    except ValueError as err:
        right.warning(f"And for a (1, C) input (one feature vector): {err}")
    if held.shape[2] * held.shape[3] == 1:
        left.info("With feature vectors a batch of one has a single value per channel: see the message at the right.")
        return
    one = batch_of_one(train, held[:1], momentum)
    left.metric("max |batch-of-1 output − eval output|", f"{one.gap:.3f}")
    left.metric("largest channel mean after batch-of-1 BN", f"{np.max(np.abs(one.channel_means_batch)):.0e}",
                help="every channel forced to mean 0: the image's per-channel offsets are gone")
    left.metric("largest channel mean after eval-mode BN", f"{np.max(np.abs(one.channel_means_running)):.2f}",
                help="with running statistics the image keeps its own offsets")


def keras_modes(n: int, c: int) -> None:
    """Keras 1's BatchNormalization(mode=0) and (mode=1) on (N, C) features, as the sets they normalize."""
    st.markdown("The course's Keras code used `BatchNormalization(mode=...)` on (N, C) features. On the cube "
                "(H·W = 1) the two modes are two of the sets above:")
    if n * c < 2:
        st.warning("With N = 1 and C = 1 there is a single number: nothing to normalize over.")
        return
    index = (min(2, n - 1), min(5, c - 1))
    kinds = tuple(KERAS_MODES[m][0] for m in (0, 1))
    titles = tuple(f"mode {m}: {KERAS_MODES[m][1].split(':')[0]}<br>= {NORMALIZATIONS[KERAS_MODES[m][0]].title}"
                   for m in (0, 1))
    ui.chart(_set_cube((n, c), kinds, titles, index, ("N", "C", "H·W")), key="keras_cube")
    cols = st.columns(2)
    over = {0: f"the batch axis (axis 0), one pair per feature, {n} values each",
            1: f"the feature axis (axis 1), one pair per sample, {c} values each"}
    for col, m in zip(cols, (0, 1), strict=True):
        kind, what = KERAS_MODES[m]
        col.markdown(f"**mode {m}**: {what}. That is {NORMALIZATIONS[kind].title}'s set: mean and variance over "
                     f"{over[m]}. Keras's default eps is 1e-3, torch's 1e-5.")
