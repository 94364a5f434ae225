"""A student's own small CSV (feature columns, then a label column) parsed from bytes in memory into a Split.

>>> split = parse_csv(b"x,y,label\\n" + b"".join(b"%d,%d,%d\\n" % (i, i % 7, i % 2) for i in range(40)))
>>> split.x_train.shape, split.n_classes, split.x_train.dtype
((30, 2), 2, dtype('float32'))

Nothing touches the disk. Every refusal is a ``CSVDataError`` (a ``ValueError``) whose message says what to fix.
Features are standardized with the training rows' mean and std; the split is stratified by label.
"""

from __future__ import annotations

import csv
import io

import numpy as np

from core.datasets import Split, stratified

# One decimal megabyte: Streamlit's uploader counts "1 MB" as 1,000,000 bytes (1024 * 1024 only in browsers on
# Windows) and its server refuses a request body, file plus multipart framing, above 1024 * 1024 bytes. A file of
# at most 1,000,000 bytes passes both on every platform, so the uploader and this parser refuse the same files.
MAX_BYTES = 1_000_000
MIN_ROWS, MAX_ROWS = 20, 20_000
MIN_FEATURES, MAX_FEATURES = 2, 64
MIN_CLASSES, MAX_CLASSES = 2, 10
MIN_PER_CLASS = 4  # at least one example of each class must land in the test quarter
MAX_ABS = 1e12  # beyond this, squaring for the std overflows float32 training
TEST_FRACTION = 0.25


class CSVDataError(ValueError):
    """A file that cannot be used, with a sentence saying why."""


def _text(data: bytes) -> str:
    if not isinstance(data, bytes | bytearray):
        raise CSVDataError("Expected the file's bytes.")
    if len(data) == 0:
        raise CSVDataError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise CSVDataError(f"The file has {len(data):,} bytes; the limit is 1 MB ({MAX_BYTES:,} bytes).")
    if b"\x00" in data:
        raise CSVDataError("This is not a text file (it contains NUL bytes); save your table as CSV.")
    try:
        return bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CSVDataError(f"The file is not UTF-8 text (byte {exc.start} cannot be read); save it as CSV "
                           "(UTF-8).") from None


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every non-blank row."""
    try:
        rows = [(i + 1, [c.strip() for c in r]) for i, r in enumerate(csv.reader(io.StringIO(text, newline="")))]
    except csv.Error as exc:  # e.g. a field over csv's 128 kB limit: nothing a table of numbers needs
        raise CSVDataError(f"The file is not a readable CSV table ({exc}).") from None
    return [(n, r) for n, r in rows if any(r)]


def _number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def _short(cell: str) -> str:
    return repr(cell if len(cell) <= 20 else cell[:20] + "…")


def _features(rows: list[tuple[int, list[str]]]) -> np.ndarray:
    x = np.empty((len(rows), len(rows[0][1]) - 1))
    for r, (line, cells) in enumerate(rows):
        for c, cell in enumerate(cells[:-1]):
            v = _number(cell)
            if v is None:
                raise CSVDataError(f"Line {line}, column {c + 1}: {_short(cell)} is not a number. Feature columns "
                                   "must be numeric (only the last column, the label, may be text).")
            if not np.isfinite(v):
                raise CSVDataError(f"Line {line}, column {c + 1}: {_short(cell)} is not a finite number (NaN and "
                                   "infinity are refused); fill or drop that row.")
            if abs(v) > MAX_ABS:
                raise CSVDataError(f"Line {line}, column {c + 1}: {_short(cell)} is too large (the limit is "
                                   f"{MAX_ABS:.0e} in absolute value); rescale that column.")
            x[r, c] = v
    return x


def _label(cell: str) -> float | str:
    """A label's class: numeric labels by value (``1``, ``1.0`` and ``1e0`` are one class), others as written."""
    v = _number(cell)
    return v if v is not None and np.isfinite(v) else cell


def _labels(rows: list[tuple[int, list[str]]]) -> tuple[np.ndarray, list[float | str]]:
    for line, cells in rows:
        if not cells[-1]:
            raise CSVDataError(f"Line {line}: the label (last column) is empty.")
    raw = [_label(cells[-1]) for _, cells in rows]
    names = sorted(set(raw), key=lambda v: (isinstance(v, str), 0.0 if isinstance(v, str) else v, str(v)))
    if not MIN_CLASSES <= len(names) <= MAX_CLASSES:
        plural = "value" if len(names) == 1 else "values"
        raise CSVDataError(f"The label column (the last one) has {len(names)} distinct {plural}; it needs "
                           f"{MIN_CLASSES} to {MAX_CLASSES} classes. Is the label the last column?")
    index = {name: k for k, name in enumerate(names)}
    y = np.array([index[v] for v in raw], dtype=np.int64)
    counts = np.bincount(y, minlength=len(names))
    if counts.min() < MIN_PER_CLASS:
        rare = names[int(counts.argmin())]
        rare = rare if isinstance(rare, str) else f"{rare:g}"
        raise CSVDataError(f"Class {_short(rare)} has only {counts.min()} row(s); every class needs at least "
                           f"{MIN_PER_CLASS} so that the test split sees it.")
    return y, names


def _table(text: str) -> tuple[list[tuple[int, list[str]]], bool]:
    """The data rows (header dropped) and whether there was a header."""
    rows = _rows(text)
    if not rows:
        raise CSVDataError("The file has no rows.")
    width = len(rows[0][1])
    if width == 1:
        raise CSVDataError("Only one column was found. Separate columns with commas: features first, then the "
                           "label.")
    if not MIN_FEATURES + 1 <= width <= MAX_FEATURES + 1:
        raise CSVDataError(f"The file has {width} columns; it needs {MIN_FEATURES} to {MAX_FEATURES} feature "
                           "columns plus one label column.")
    for line, cells in rows:
        if len(cells) != width:
            raise CSVDataError(f"Line {line} has {len(cells)} columns but the first row has {width}; every row "
                               "needs the same number.")
    # A header is a first row with any non-numeric feature cell (the label may be text in every row).
    header = any(_number(c) is None for c in rows[0][1][:-1])
    data = rows[1:] if header else rows
    if not MIN_ROWS <= len(data) <= MAX_ROWS:
        raise CSVDataError(f"The file has {len(data)} data row(s); it needs {MIN_ROWS} to {MAX_ROWS}.")
    return data, header


def standardize(x_train: np.ndarray, x_test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both (n, d) arrays shifted and scaled by the training rows' per-column mean and std (std 0 -> 1)."""
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return (x_train - mean) / std, (x_test - mean) / std


def parse_csv(data: bytes, seed: int = 0) -> Split:
    """Features (n, d) and label of a CSV's bytes -> standardized, stratified train/test ``Split`` (75/25)."""
    rows, _ = _table(_text(data))
    x = _features(rows)
    y, names = _labels(rows)
    train, test = stratified(y, TEST_FRACTION, np.random.default_rng([int(seed), 7919]))
    x_train, x_test = standardize(x[train], x[test])
    title = f"Your CSV ({len(y)} rows, {x.shape[1]} features, {len(names)} classes)"
    return Split(x_train.astype(np.float32), y[train], x_test.astype(np.float32), y[test], len(names), None, title)
