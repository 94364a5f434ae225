"""Own-data CSVs: good files become a standardized stratified Split; every bad file gets its own sentence."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.csv_data import MAX_BYTES, CSVDataError, parse_csv


def _csv(rows, header: str | None = "x1,x2,label", eol: str = "\n") -> bytes:
    lines = ([header] if header else []) + [",".join(str(c) for c in r) for r in rows]
    return (eol.join(lines) + eol).encode()


GOOD_ROWS = [(i * 0.5, (i * 7) % 11 - 5.0, "ab"[i % 2]) for i in range(40)]


def test_good_file_with_header_gives_a_standardized_stratified_split():
    s = parse_csv(_csv(GOOD_ROWS))
    assert s.x_train.shape == (30, 2) and s.x_test.shape == (10, 2) and s.n_classes == 2
    assert s.x_train.dtype == np.float32 and s.y_train.dtype == np.int64 and s.image_shape is None
    np.testing.assert_allclose(s.x_train.mean(0), 0, atol=1e-6)
    np.testing.assert_allclose(s.x_train.std(0), 1, atol=1e-5)
    assert np.bincount(s.y_test).tolist() == [5, 5]  # stratified: each class split 15/5
    # Every original value is there once, mapped by one affine map per column (the training mean and std).
    raw = np.sort(np.array([r[0] for r in GOOD_ROWS]))
    got = np.sort(np.r_[s.x_train[:, 0], s.x_test[:, 0]].astype(np.float64))
    slope, shift = np.polyfit(raw, got, 1)
    np.testing.assert_allclose(slope * raw + shift, got, atol=1e-5)
    assert "40 rows, 2 features, 2 classes" in s.title


def test_same_rows_without_header_crlf_bom_and_integer_labels_parse_the_same():
    rows = [(a, b, 7 if lab == "a" else 3) for a, b, lab in GOOD_ROWS]
    plain = parse_csv(_csv(rows, header=None))
    other = parse_csv(b"\xef\xbb\xbf" + _csv(rows, header="f1,f2,class", eol="\r\n"))
    np.testing.assert_array_equal(plain.x_train, other.x_train)
    np.testing.assert_array_equal(plain.y_train, other.y_train)
    assert plain.n_classes == 2 and set(plain.y_train) == {0, 1}


def test_sixty_four_features_and_ten_classes_and_seed():
    rng = np.random.default_rng(0)
    rows = [(*rng.normal(size=64).round(4), i % 10) for i in range(100)]
    s = parse_csv(_csv(rows, header=None), seed=3)
    assert s.n_features == 64 and s.n_classes == 10
    assert not np.array_equal(parse_csv(_csv(rows, header=None), seed=4).y_train, s.y_train)
    np.testing.assert_array_equal(parse_csv(_csv(rows, header=None), seed=3).x_train, s.x_train)


def test_constant_column_is_kept_at_zero_not_nan():
    s = parse_csv(_csv([(1.0, b, lab) for _, b, lab in GOOD_ROWS]))
    assert np.isfinite(s.x_train).all() and (s.x_train[:, 0] == 0).all()


def _rows_text(n=40, features=2, label=lambda i: i % 2):
    return "\n".join(",".join([*(str(i + j) for j in range(features)), str(label(i))]) for i in range(n))


BAD = {  # name: (bytes, words the message must contain)
    "empty": (b"", "empty"),
    "too big": (b"1,2,0\n" * (MAX_BYTES // 6 + 1), "limit is 1 MB"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00", "NUL bytes"),
    "latin-1": ("x,y,label\n1,2,caf\xe9\n".encode("latin-1"), "not UTF-8"),
    "blank lines only": (b"\n\n  \n", "no rows"),
    "one column": (b"a;b;c\n1;2;0\n" * 30, "Only one column"),
    "one feature": (_rows_text(features=1).encode(), "2 to 64 feature columns"),
    "too many features": (_rows_text(features=65).encode(), "66 columns"),
    "ragged": (_rows_text().encode() + b"\n1,2\n", "Line 41 has 2 columns"),
    "text feature": (b"x,y,label\n" + _rows_text().replace("5,6,1", "5,six,1", 1).encode(), "'six' is not a number"),
    "nan": (_rows_text().replace("3,4,1", "nan,4,1", 1).encode(), "not a finite number"),
    "inf": (_rows_text().replace("3,4,1", "3,-inf,1", 1).encode(), "not a finite number"),
    "huge": (_rows_text().replace("3,4,1", "3,1e300,1", 1).encode(), "too large"),
    "empty label": (_rows_text().replace("3,4,1", "3,4,", 1).encode(), "label (last column) is empty"),
    "one class": (_rows_text(label=lambda i: 0).encode(), "1 distinct value"),
    "continuous label": (_rows_text(label=lambda i: i * 0.1).encode(), "40 distinct values"),
    "rare class": (_rows_text(label=lambda i: 2 if i == 0 else i % 2).encode(), "only 1 row"),
    "too few rows": (_rows_text(n=10).encode(), "10 data row(s)"),
    "too many rows": (b"".join(b"%d,%d,%d\n" % (i, i, i % 2) for i in range(20_001)), "20001 data row(s)"),
    "unclosed quote field": (b'x,y,label\n1,2,"' + b"a" * 200_000 + b"\n", "readable CSV"),
    "not bytes": ("1,2,0\n", "bytes"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_each_bad_file_is_refused_with_its_own_sentence(name):
    data, words = BAD[name]
    with pytest.raises(CSVDataError) as err:
        parse_csv(data)
    assert words in str(err.value), str(err.value)


def test_bad_file_messages_are_all_different():
    messages = set()
    for data, _ in BAD.values():
        with pytest.raises(CSVDataError) as err:
            parse_csv(data)
        messages.add(str(err.value))
    assert len(messages) == len(BAD)


FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise_anything_else(data):
    try:
        s = parse_csv(data)
    except CSVDataError:
        return
    assert np.isfinite(s.x_train).all()


CELL = st.one_of(st.integers(-5, 5).map(str), st.floats(allow_nan=True, allow_infinity=True).map(repr),
                 st.sampled_from(["", " ", "a", '"', "1e999", "-0", "0x10", "1_0", "NaN", "\t", "é", ";"]),
                 st.text(max_size=6))


@FUZZ
@given(st.lists(st.lists(CELL, min_size=1, max_size=5), min_size=0, max_size=60),
       st.sampled_from(["\n", "\r\n", "\r"]))
def test_table_shaped_text_never_raises_anything_else(rows, eol):
    data = eol.join(",".join(r) for r in rows).encode("utf-8", "surrogatepass")
    try:
        s = parse_csv(data)
    except CSVDataError:
        return
    assert np.isfinite(s.x_train).all() and np.isfinite(s.x_test).all()
    assert 2 <= s.n_classes <= 10 and set(np.unique(s.y_test)) == set(range(s.n_classes))


@FUZZ
@given(st.integers(20, 200), st.integers(2, 6), st.integers(2, 4), st.integers(0, 2**31 - 1))
def test_valid_tables_always_parse_and_keep_every_row(n, d, k, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)) * 100
    y = np.arange(n) % k
    if n // k < 4:
        return
    s = parse_csv(_csv([(*r, lab) for r, lab in zip(x.tolist(), y.tolist(), strict=True)], header=None), seed)
    assert len(s.y_train) + len(s.y_test) == n
    assert np.bincount(np.r_[s.y_train, s.y_test]).tolist() == np.bincount(y).tolist()
    np.testing.assert_allclose(s.x_train.mean(0), 0, atol=1e-4)


def test_numeric_labels_are_one_class_per_value():
    spellings = ["1", "1.0", "1e0", "01", "2", "2.00", "+2", "2e0"]  # two values, eight spellings
    rows = [(i * 0.5, (i * 7) % 11 - 5.0, spellings[i % len(spellings)]) for i in range(40)]
    s = parse_csv(_csv(rows))
    assert s.n_classes == 2
    by_value = np.array([1 if float(lab) == 1 else 2 for *_, lab in rows])
    assert np.bincount(np.r_[s.y_train, s.y_test]).tolist() == [(by_value == 1).sum(), (by_value == 2).sum()]


def test_text_labels_stay_as_written_and_non_finite_labels_are_text():
    rows = [(i, i % 5, ["a", "A", "nan", "inf"][i % 4]) for i in range(40)]
    assert parse_csv(_csv(rows)).n_classes == 4


def test_rare_numeric_class_is_named_by_its_value():
    rows = [(i, i % 5, "1.0" if i == 0 else str(2 + i % 2)) for i in range(40)]
    with pytest.raises(CSVDataError, match="Class '1' has only 1 row"):
        parse_csv(_csv(rows))


def _sized(n_bytes: int, n_rows: int = 20_000) -> bytes:
    """A valid headerless CSV of exactly ``n_bytes`` bytes: zeros padded into the first feature's decimals."""
    rows = [b"%d.5,%d,%d\n" % (i, i % 7, i % 2) for i in range(n_rows)]
    extra, rest = divmod(n_bytes - sum(map(len, rows)), n_rows)
    assert extra >= 0
    return b"".join(r.replace(b".", b"." + b"0" * (extra + (i < rest)), 1) for i, r in enumerate(rows))


def test_size_limit_is_one_decimal_megabyte_exactly():
    assert MAX_BYTES == 1_000_000  # Streamlit's uploader's "1 MB" on Linux and macOS browsers
    assert len(_sized(MAX_BYTES)) == MAX_BYTES
    assert parse_csv(_sized(MAX_BYTES)).x_train.shape[1] == 2
    with pytest.raises(CSVDataError, match="1,000,001 bytes; the limit is 1 MB"):
        parse_csv(_sized(MAX_BYTES + 1))
