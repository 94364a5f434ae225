"""The train vs eval tab: running statistics over batches (torch and Keras), the population values, and eval with
the statistics of a batch of one."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.norm_report import batch_of_one, running_report
from core.normalization import normalize
from views.normalization import controls, data
from views.normalization.config import CubeConfig, RunningConfig
from views.ui import charts
from viz.norm_stats import running_figure


def train_vs_eval(cube: CubeConfig) -> None:
    """Running statistics over batches (torch and Keras), the population values, and eval with a batch of one."""
    cfg = controls.running_config(cube)
    train, held = data.stream(cfg.stream)
    rep = running_report(train, cfg.momentum, cfg.keras_momentum)
    ch, m = cfg.channel, rep.m
    charts.chart(running_figure({f"torch (momentum {cfg.momentum})": (rep.torch.mean[:, ch], rep.torch.var[:, ch]),
                                 f"Keras (momentum {cfg.keras_momentum})": (rep.keras.mean[:, ch],
                                                                            rep.keras.var[:, ch])},
                                (rep.mean[ch], rep.var[ch]), list(rep.batch_means[:, ch])), "running")
    st.markdown(
        f"Both start at mean 0, variance 1 and forget the start at rate (1 − weight of the new batch): torch's "
        f"momentum {cfg.momentum} weighs the new batch, Keras's {cfg.keras_momentum} weighs the old value, so torch "
        f"0.1 ≡ Keras 0.9 for the mean. **The variances differ by design**: torch stores the unbiased variance "
        f"(× m/(m−1) = {m}/{m - 1} = {m / (m - 1):.4f}, m = batch·H·W values per channel) but normalizes the batch "
        f"with the biased one; Keras stores the biased one. The paper's population variance (dashed) is "
        f"m/(m−1) × the mean of the batch variances: {rep.var[ch]:.4f} here.")
    st.subheader("Eval with the statistics of a batch of one")
    _batch_of_one(cfg, train, held)


def _batch_of_one(cfg: RunningConfig, train: list[np.ndarray], held: np.ndarray) -> None:
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
    if cfg.stream.h * cfg.stream.w == 1:
        left.info("With feature vectors a batch of one has a single value per channel: see the message at the right.")
        return
    one = batch_of_one(train, held[:1], cfg.momentum)
    left.metric("max |batch-of-1 output − eval output|", f"{one.gap:.3f}")
    left.metric("largest channel mean after batch-of-1 BN", f"{one.largest_mean_batch:.0e}",
                help="every channel forced to mean 0: the image's per-channel offsets are gone")
    left.metric("largest channel mean after eval-mode BN", f"{one.largest_mean_running:.2f}",
                help="with running statistics the image keeps its own offsets")
