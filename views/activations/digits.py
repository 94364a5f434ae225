"""The digits whitening tab: the same preprocessing on 1797 8×8 digit images, and ReLUs over 64 dimensions."""

from __future__ import annotations

import streamlit as st

from views.activations import data
from views.activations.config import DigitsConfig
from views.ui import charts, frame

INTRO = (
    "The same steps on all 1797 digit images (64 pixels, intensities in [0, 1]). The centred row subtracts "
    "the **mean image**. PCA whitening rotates the pixels onto the principal directions, so the picture is "
    "gone; **ZCA** rotates back, leaving the transform closest to the original (W = Σ⁻½): edges are "
    "enhanced, flat regions fade. Corner pixels are always 0, so the covariance is singular and eps must be "
    "above 0; a small eps amplifies the noisy low-variance directions (the green gain on the right).")
CENTRING = (
    f"**The centring argument in 64 dimensions.** {data.DIGIT_UNITS} ReLUs with He weights and zero bias (seeded). "
    "In many dimensions nearly every random hyperplane passes through the cloud somewhere, so the question "
    "becomes *how evenly* it splits it. Raw pixels are all ≥ 0 and share a large mean, so w·x is dominated "
    "by w·mean: many units are on for almost every image or off for almost every image, a near-dead or "
    "near-linear unit. After centring every unit is on for about half of the images.")


def show(cfg: DigitsConfig) -> None:
    """The digit mosaic, the spectrum with its whitening gain, the covariances, the ReLUs' active shares."""
    if (got := data.shown_or_error(data.digits, cfg)) is None:  # a refused eps is already said
        return
    charts.chart(got.mosaic, "pre_mosaic")
    for column, fig, key in zip(st.columns([1.2, 1]), (got.spectrum, got.covariance), ("pre_spectrum", "pre_cov"),
                                strict=True):
        charts.chart(fig, key, where=column)
    left, right = st.columns([1.6, 1])
    charts.chart(got.shares, "pre_shares", where=left)
    with right:
        frame.prose(CENTRING)
