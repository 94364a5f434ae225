"""The course's Keras ``BatchNormalization`` layer, ported line by line to NumPy (float64) on (N, C) features.

Source: ``keras/layers/normalization.py`` of fchollet/keras (now keras-team/keras) in its Keras 0.x form, the one
the course quotes: ``BatchNormalization(epsilon=1e-6, mode=0, momentum=0.9)``, before the ``axis`` argument. Each
step below names the original line it mirrors (``X`` is the input batch, axis 0 the samples; the comments
after ``#`` are ours)::

    self.init = initializations.get("uniform")          # gamma: uniform(shape, scale=0.05), U(-0.05, 0.05)
    self.gamma = self.init(input_shape)
    self.beta = K.zeros(input_shape)
    self.running_mean = K.zeros(input_shape)
    self.running_std = K.ones(input_shape)

    # mode 0, train=True (the updates)
    m = K.mean(X, axis=0)
    std = K.mean(K.square(X - m) + self.epsilon, axis=0)  # eps, first time: inside the root
    std = K.sqrt(std)
    mean_update = self.momentum * self.running_mean + (1-self.momentum) * m
    std_update = self.momentum * self.running_std + (1-self.momentum) * std
    self.updates = [(self.running_mean, mean_update), (self.running_std, std_update)]
    # mode 0, train or test (the output)
    X_normed = ((X - self.running_mean) / (self.running_std + self.epsilon))   # eps, second time
    # mode 1
    m = K.mean(X, axis=-1, keepdims=True)
    std = K.std(X, axis=-1, keepdims=True)               # biased: divides by C
    X_normed = (X - m) / (std + self.epsilon)
    out = self.gamma * X_normed + self.beta

In mode 0 the output is computed from the RUNNING statistics in training too: the batch's ``m`` and ``std`` only
feed ``self.updates``, which Theano (and Keras's backend functions) apply after the outputs of the same call are
computed, so training batch t is normalized with the running values left by batches 1..t-1 (batch 1 with mean 0,
std 1). A later version of the same file, the one that added ``axis`` and ``gamma_init='one'``, normalized a
training batch with its own ``m`` and ``std`` instead; this port is the earlier layer the course quotes.
"""

from __future__ import annotations

import math
import textwrap

import numpy as np

# The quoted lines of the docstring, for a page to show next to the numbers.
SOURCE = textwrap.dedent(__doc__.split("::\n\n")[1].split("\n\nIn mode 0")[0])
MODES = (0, 1)
GAMMA_SCALE = 0.05  # keras.initializations.uniform(shape, scale=0.05)


def _check(mode: int, epsilon: float, momentum: float) -> None:
    if mode not in MODES:
        raise ValueError(f"Keras's BatchNormalization has mode 0 (feature-wise) or 1 (sample-wise); got {mode}.")
    if not math.isfinite(epsilon) or epsilon <= 0:
        raise ValueError(f"epsilon must be a small positive number (the layer's default is 1e-6); got {epsilon}.")
    if not math.isfinite(momentum) or not 0.0 <= momentum < 1.0:
        raise ValueError(f"Keras's momentum is the weight of the OLD running value and must be in [0, 1); "
                         f"got {momentum}.")


class KerasV1BatchNorm:
    """Keras 0.x ``BatchNormalization`` on (N, C) arrays: mode 0 feature-wise with running mean/std, mode 1
    sample-wise; ``gamma`` (C,) drawn from U(-0.05, 0.05) with ``seed``, ``beta`` (C,) zeros."""

    def __init__(self, num_features: int, mode: int = 0, epsilon: float = 1e-6, momentum: float = 0.9,
                 seed: int | None = 0):
        epsilon, momentum = float(epsilon), float(momentum)
        _check(mode, epsilon, momentum)
        if int(num_features) < 1:
            raise ValueError(f"num_features must be at least 1; got {num_features}.")
        self.num_features, self.mode, self.epsilon, self.momentum = int(num_features), mode, epsilon, momentum
        rng = np.random.default_rng(seed)
        self.gamma = rng.uniform(-GAMMA_SCALE, GAMMA_SCALE, size=self.num_features)  # self.init(input_shape)
        self.beta = np.zeros(self.num_features)  # K.zeros(input_shape)
        self.running_mean = np.zeros(self.num_features)  # K.zeros(input_shape)
        self.running_std = np.ones(self.num_features)  # K.ones(input_shape)
        self.training = True
        self.last_normed: np.ndarray | None = None  # X_normed of the last call, before gamma and beta

    def train(self, mode: bool = True) -> KerasV1BatchNorm:
        """Training mode (``get_output(train=True)``: mode 0 updates its running statistics)."""
        self.training = bool(mode)
        return self

    def eval(self) -> KerasV1BatchNorm:
        """Test mode (``get_output(train=False)``: no updates)."""
        return self.train(False)

    def _input(self, x) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.num_features or x.shape[0] < 1:
            raise ValueError(f"The layer takes (N, C) features with C = {self.num_features} and N >= 1; "
                             f"got shape {x.shape}.")
        if not np.isfinite(x).all():
            raise ValueError("The input holds a value that is not a finite number.")
        return x

    def batch_stats(self, x) -> tuple[np.ndarray, np.ndarray]:
        """Mode 0's batch statistics (C,): ``m = K.mean(X, axis=0)``, ``std = sqrt(mean((X - m)**2 + eps))``."""
        x = self._input(x)
        m = x.mean(axis=0)
        return m, np.sqrt(np.mean(np.square(x - m) + self.epsilon, axis=0))

    def __call__(self, x, training: bool | None = None) -> np.ndarray:
        """``out = gamma * X_normed + beta`` (N, C); in mode 0 with training, then applies the running updates."""
        x = self._input(x)
        training = self.training if training is None else bool(training)
        if self.mode == 0:
            # X_normed uses the running values as they stand BEFORE this batch's update (Theano's updates come
            # after the outputs of the same call).
            normed = (x - self.running_mean) / (self.running_std + self.epsilon)
            if training:
                m, std = self.batch_stats(x)
                self.running_mean = self.momentum * self.running_mean + (1 - self.momentum) * m
                self.running_std = self.momentum * self.running_std + (1 - self.momentum) * std
        else:
            m = x.mean(axis=-1, keepdims=True)
            std = x.std(axis=-1, keepdims=True)  # K.std: the biased std (ddof = 0), over the C features
            normed = (x - m) / (std + self.epsilon)
        self.last_normed = normed
        return self.gamma * normed + self.beta
