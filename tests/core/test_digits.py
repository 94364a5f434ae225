"""core.digits: exactly scikit-learn's load_digits, read without importing scikit-learn."""

import subprocess
import sys

import numpy as np
from sklearn.datasets import load_digits

from core import datasets, digits, feature_maps


def test_same_numbers_as_load_digits():
    images, target = digits.load()
    d = load_digits()
    assert images.dtype == np.float64 and target.dtype == np.int64
    np.testing.assert_array_equal(images, d.images)
    np.testing.assert_array_equal(target, d.target)
    assert not images.flags.writeable and not target.flags.writeable


def test_fallback_without_the_data_file_gives_the_same(monkeypatch):
    monkeypatch.setattr(digits, "_data_file", lambda: None)
    digits.load.cache_clear()
    try:
        images, target = digits.load()
        np.testing.assert_array_equal(images, load_digits().images)
        np.testing.assert_array_equal(target, load_digits().target)
    finally:
        digits.load.cache_clear()


def test_the_digits_users_do_not_import_scikit_learn():
    # A server paid ~130 MB and ~1.4 s for scikit-learn on the first page that showed a digit.
    code = ("import sys; from core import datasets, feature_maps; datasets.load('digits', seed=0); "
            "feature_maps.digit_feature_map(4, 3, 8, 8); print('sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_callers_see_the_scaled_digits():
    x, y = datasets._digits()
    np.testing.assert_array_equal(x, (load_digits().data / 16.0).astype(np.float32))
    np.testing.assert_array_equal(y, load_digits().target)
    images, labels = feature_maps._digits()
    np.testing.assert_array_equal(images, load_digits().images / 16.0)
