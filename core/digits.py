"""scikit-learn's bundled digits (1797 images of 8 x 8 pixels, 0..16), read from its data file without importing it.

Importing scikit-learn to call ``load_digits`` costs a server ~130 MB of memory (SciPy comes with it) and ~1.4 s on
the first page that needs the digits; the file it reads is 57 KB. The values are exactly ``load_digits()``'s
(tests/core/test_digits.py); if the file is not where scikit-learn keeps it, ``load_digits`` is called instead.

>>> images, target = load()
>>> images.shape, images.dtype, target[:5].tolist()
((1797, 8, 8), dtype('float64'), [0, 1, 2, 3, 4])
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ["load"]


def _data_file() -> Path | None:
    """scikit-learn's ``datasets/data/digits.csv.gz`` (found without importing scikit-learn), or None."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "datasets" / "data" / "digits.csv.gz"
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def load() -> tuple[np.ndarray, np.ndarray]:
    """images (1797, 8, 8) float64 in 0..16 and target (1797,) int64 digits 0..9, read-only (shared by callers)."""
    path = _data_file()
    if path is None:  # an unusual install: the same numbers, the slow way
        from sklearn.datasets import load_digits

        d = load_digits()
        images, target = np.array(d.images, dtype=np.float64), np.array(d.target, dtype=np.int64)
    else:  # as load_digits reads it: 64 pixel columns, then the label
        data = np.loadtxt(path, delimiter=",")
        images, target = data[:, :-1].reshape(-1, 8, 8), data[:, -1].astype(np.int64)
    images.setflags(write=False)
    target.setflags(write=False)
    return images, target
