"""Datasets: shapes, dtypes, stratified seeded splits, and clear errors."""

import numpy as np
import pytest

from core.datasets import DATASETS, load


@pytest.mark.parametrize("name", list(DATASETS))
def test_shapes_dtypes_and_labels(name):
    s = load(name, seed=3)
    assert s.x_train.dtype == np.float32 and s.x_test.dtype == np.float32
    assert s.y_train.dtype == np.int64 and s.y_test.dtype == np.int64
    assert s.x_train.ndim == 2 and s.x_train.shape[1] == s.x_test.shape[1] == s.n_features
    assert len(s.x_train) == len(s.y_train) and len(s.x_test) == len(s.y_test)
    assert set(np.unique(s.y_train)) == set(range(s.n_classes)) == set(np.unique(s.y_test))
    assert np.all(np.isfinite(s.x_train)) and np.all(np.isfinite(s.x_test))
    if s.image_shape is not None:
        assert int(np.prod(s.image_shape)) == s.n_features


@pytest.mark.parametrize("name", list(DATASETS))
def test_same_seed_same_data_other_seed_other_split(name):
    a, b, c = load(name, seed=0), load(name, seed=0), load(name, seed=1)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.x_train, c.x_train)


@pytest.mark.parametrize("name", list(DATASETS))
def test_split_is_stratified(name):
    s = load(name, seed=5, test_fraction=0.25)
    train = np.bincount(s.y_train, minlength=s.n_classes) / len(s.y_train)
    test = np.bincount(s.y_test, minlength=s.n_classes) / len(s.y_test)
    assert np.abs(train - test).max() < 0.02
    assert abs(len(s.y_test) / (len(s.y_test) + len(s.y_train)) - 0.25) < 0.01


def test_digits_are_sklearn_digits_scaled_to_unit_interval():
    from sklearn.datasets import load_digits

    s = load("digits", seed=0)
    assert s.image_shape == (8, 8) and s.n_classes == 10
    assert len(s.x_train) + len(s.x_test) == 1797
    assert s.x_train.min() == 0.0 and s.x_train.max() == 1.0
    # Every test image is a bundled image / 16 with its own label.
    d = load_digits()
    ref = {row.tobytes(): t for row, t in zip((d.data / 16).astype(np.float32), d.target, strict=True)}
    assert all(ref[row.tobytes()] == t for row, t in zip(s.x_test, s.y_test, strict=True))


def test_synthetic_size_and_noise():
    s = load("circles", n=200, noise=0.0, seed=0)
    assert len(s.x_train) + len(s.x_test) == 200
    r = np.linalg.norm(np.r_[s.x_train, s.x_test], axis=1)
    np.testing.assert_allclose(np.sort(np.unique(np.round(r, 5))), [0.5, 1.0])


@pytest.mark.parametrize("kwargs, words", [
    (dict(name="mnist"), "Unknown dataset"),
    (dict(name="moons", test_fraction=0.9), "test fraction"),
    (dict(name="moons", n=5), "between 40"),
    (dict(name="moons", noise=float("nan")), "Noise"),
])
def test_bad_arguments_say_why(kwargs, words):
    with pytest.raises(ValueError, match=words):
        load(**kwargs)
