"""The Keras tab's sentences, each computed from a ``KerasComparison``: one line per way the course's Keras layer
differs from the paper and from torch, with the numbers that show it on these very batches.

A claim's text states what the numbers show; ``holds`` says whether they show the difference the line is about
(a setting can make two implementations agree, e.g. momentum 0 and k = 1 for torch's eval and Algorithm 2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.keras_compare import KerasComparison

ZERO_MEAN = 1e-9  # a per-feature mean below this is zero (Algorithm 1's are ~1e-17)


@dataclass(frozen=True)
class Claim:
    """One line of the tab: its topic, the sentence (markdown) and whether the numbers show the difference."""

    key: str
    text: str
    holds: bool


def _span(v: np.ndarray) -> str:
    v = np.where(np.abs(v) < 1e-12, 0.0, v)  # a constant feature's std is round-off, not 5.55e-17
    return f"{v.min():.3g}" if np.ptp(v) < 5e-4 else f"from {v.min():.3g} to {v.max():.3g}"


def running_std(cmp: KerasComparison) -> Claim:
    """Keras's running std against the square root of torch's running variance, feature by feature."""
    root = np.sqrt(cmp.torch_var)
    below = cmp.keras_std < root
    c, count = root.size, int(below.sum())
    gap = float(np.mean(1 - cmp.keras_std[below] / root[below])) if count else 0.0
    # Same weights, same start (std 1 = sqrt(var 1)): without eps an average of square roots is at most the root
    # of the average, and torch's variance is the larger unbiased one. Only eps under Keras's root can lift it above.
    rest = "" if count == c else (f"; in the other {c - count} only the eps under Keras's root lifts it above "
                                  f"(√(running_var) there is at most {root[~below].max():.2g}, √eps = "
                                  f"{np.sqrt(cmp.keras_eps):.1e})")
    return Claim("std", (
        f"**Running std, not variance.** Keras averages standard deviations, `running_std = {cmp.momentum:g}·"
        f"running_std + {1 - cmp.momentum:.2g}·std`; after k = {cmp.k} its running_std is below √(torch's "
        f"running_var) in {count} of {c} features ({gap:.1%} lower on average){rest}. An average of square roots "
        f"is at most the square root of the average, and torch feeds its running_var the unbiased variance "
        f"(× m/(m−1))."), count == c)


def eps_twice(cmp: KerasComparison) -> Claim:
    """How much mode 0's second eps, in ``running_std + eps``, moves its test output."""
    test = cmp.output("Keras mode 0", "eval").normed
    moved = float(np.max(np.abs(test - cmp.eps_once)))
    largest = float(np.max(np.abs(cmp.eps_once)))
    share = f"{moved / largest:.1e} of its largest value" if largest > 0 else "the output is 0 everywhere"
    return Claim("eps", (
        f"**eps twice** (mode 0): eps = {cmp.keras_eps:g} goes under the root of the batch std and again into "
        f"`(X − running_mean) / (running_std + eps)`; the second one alone moves the test output by up to "
        f"{moved:.1e} here ({share}). torch and the paper add eps once, under the root."), moved > 0)


def running_in_training(cmp: KerasComparison) -> Claim:
    """Mode 0's training output (running statistics) against Algorithm 1's (the batch's own statistics)."""
    keras, paper = cmp.output("Keras mode 0", "train"), cmp.output("paper", "train")
    km, pm = float(np.max(np.abs(keras.mean()))), float(np.max(np.abs(paper.mean())))
    k_zero, p_zero = km < ZERO_MEAN, pm < ZERO_MEAN
    before = ("the initial running mean 0 and std 1" if cmp.k == 1 else
              f"the running mean and std left by the {cmp.k - 1} batch{'es' if cmp.k > 2 else ''} before it")
    return Claim("running", (
        f"**Running statistics while training** (mode 0): training batch k = {cmp.k} is normalized with {before}; "
        f"its own mean and std only feed the update. Its output {'is' if k_zero else 'is not'} zero-mean per "
        f"feature (largest |mean| {km:.3g}, std {_span(keras.std())}); Algorithm 1's {'is' if p_zero else 'is not'}"
        f" (largest |mean| {pm:.0e}, std {_span(paper.std())})."), p_zero and not k_zero)


def mode_1(cmp: KerasComparison) -> Claim:
    """Mode 1's rows (samples) against its columns (features)."""
    out = cmp.output("Keras mode 1", "train")
    rows, cols = float(np.max(np.abs(out.normed.mean(axis=1)))), float(np.max(np.abs(out.mean())))
    c = out.normed.shape[1]
    return Claim("mode1", (
        f"**Mode 1** normalizes each sample over its C = {c} features with `(X − m) / (std + eps)`, eps outside the "
        f"root and no running statistics (its test output is computed like its training output): every sample has "
        f"mean at most {rows:.0e} and std {_span(out.normed.std(axis=1))}, but per feature the means reach "
        f"{cols:.3g}. That is LayerNorm's set, not BatchNorm's."), rows < ZERO_MEAN <= cols)


def gamma_start(cmp: KerasComparison) -> Claim:
    """Keras's initial gamma and what it does to the untrained layer's output."""
    k0 = float(np.max(cmp.output("Keras mode 0", "train").std(affine=True)))
    k1 = float(np.max(cmp.output("Keras mode 1", "train").std(affine=True)))
    torch = float(np.max(cmp.output("torch", "train").std(affine=True)))
    return Claim("gamma", (
        f"**γ's start**: Keras draws γ from its \"uniform\" initializer, U(−0.05, 0.05) (here from "
        f"{cmp.gamma.min():.3f} to {cmp.gamma.max():.3f}), and β from zeros, so before any training the layer's "
        f"per-feature output std is at most {k0:.3g} in mode 0 and {k1:.3g} in mode 1 on the training batch; "
        f"torch starts at γ = 1, β = 0 (std up to {torch:.3g}), and the paper leaves both to be learned."),
        max(k0, k1) < torch)


def torch_vs_paper(cmp: KerasComparison) -> Claim:
    """torch's train output against Algorithm 1, its eval output against Algorithm 2."""
    train = float(np.max(np.abs(cmp.output("torch", "train").normed - cmp.output("paper", "train").normed)))
    test = float(np.max(np.abs(cmp.output("torch", "eval").normed - cmp.output("paper", "eval").normed)))
    batches = f"weighs the k = {cmp.k} batches equally" if cmp.k > 1 else "uses the single batch"
    differ = (f"their test outputs differ by up to {test:.2g} here" if test >= 1e-9 else
              f"here both end with the same statistics, so their test outputs agree (largest difference {test:.0e})")
    return Claim("torch", (
        f"**torch and the paper**: in train mode torch is Algorithm 1 (largest difference {train:.0e}); in eval "
        f"mode it uses an exponential average (weight {1 - cmp.momentum:.2g} on each new batch, from mean 0 and "
        f"variance 1) where Algorithm 2 {batches}: {differ}."), train < 1e-9)


CLAIMS = (running_std, eps_twice, running_in_training, gamma_start, mode_1, torch_vs_paper)


def differences(cmp: KerasComparison) -> tuple[Claim, ...]:
    """Every line of the tab, in the order shown."""
    return tuple(claim(cmp) for claim in CLAIMS)
