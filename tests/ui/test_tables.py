"""Small tables as static text (views.ui.tables): cells formatted as their st.column_config asks, markdown in any
cell or header escaped, a grid beyond the size limits."""

from __future__ import annotations

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.test_text_payloads import EVIL, PAYLOADS
from views.ui import tables
from views.ui.text import plain

NUM = st.column_config.NumberColumn


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markup_in_a_cell_or_a_header_is_escaped(payload):
    shown = tables.display([{payload: payload, "n": 1}])[0]
    escaped = plain(payload, len(payload))
    assert shown == {escaped: escaped, "n": "1"}
    assert escaped != payload and (EVIL in payload) == (EVIL in escaped.replace("\\", ""))  # all there, as text


@pytest.mark.parametrize("text", ["SGD", "f − f* ≤ 1e-06", "N·C = 128", "3/7", "sat % · no norm", "(16, 8, 8)",
                                  "x₁ → 2 × 3", "-1.5e-05", "a < b", "γ / β shape"])
def test_plain_text_is_shown_as_it_is(text):
    assert tables.safe(text) == text


@pytest.mark.parametrize("text", ["- item", "1. first", "# head", "> quote", "a_b_c", "*em*", "<b>", "x&amp;",
                                  "www.example.org", "a:b", "$x$", "~~s~~", "!x", "| a |"])
def test_markup_is_escaped(text):
    assert tables.safe(text) == plain(text, len(text))


def test_cells_follow_their_column_config():
    row = {"f": 3.2e-7, "x": 0.123456, "p": 0.8531, "n": 3, "auto": 0.1234567, "tiny": 1e-9, "big": 1234567.25,
           "none": None, "nan": float("nan"), "zero": -1e-17, "flag": True}
    config = {"f": NUM(format="%.2e"), "x": NUM(format="%.3g"), "p": NUM(format="percent"),
              "zero": NUM(format="%.4f"), "n": NUM(format="%d", label="count")}
    assert tables.display([row], config, placeholder="–") == [
        {"f": "3.20e-07", "x": "0.123", "p": "85.31%", "count": "3", "auto": "0.1235", "tiny": "1.000e-09",
         "big": "1234567.25", "none": "–", "nan": "–", "zero": "0.0000", "flag": "yes"}]
    assert tables.cell(float("-inf"), NUM(format="%.3g"), "—") == "-inf"
    assert [tables.cell(v, NUM(format="%.3g"), "—") for v in (np.float32(0.123456), np.int64(7), np.float64("nan"))] \
        == ["0.123", "7", "—"]
    assert [tables.cell(v, None, "—") for v in (np.int64(7), np.float32(0.5), np.bool_(True))] == ["7", "0.5", "yes"]
    assert tables.cell(-1.5e-5, NUM(format="%.1e"), "—") == "-1.5e-05"


def test_rows_with_other_keys_show_every_column():
    assert tables.display([{"a": 1}, {"b": 2.5, "a": 3}]) == [{"a": "1", "b": "—"}, {"a": "3", "b": "2.5"}]


def _page(n_rows: int, n_cols: int):
    from views.ui import charts

    charts.table([{f"c{j}": i * j + 0.5 for j in range(n_cols)} for i in range(n_rows)])


@pytest.mark.parametrize(("rows", "cols", "grid"), [(3, 4, False), (tables.STATIC_ROWS, tables.STATIC_COLUMNS, False),
                                                    (tables.STATIC_ROWS + 1, 4, True),
                                                    (3, tables.STATIC_COLUMNS + 1, True)])
def test_small_tables_are_static_and_large_ones_a_grid(rows, cols, grid):
    at = AppTest.from_function(_page, args=(rows, cols)).run()
    assert not at.exception
    assert (len(at.dataframe), len(at.table)) == ((1, 0) if grid else (0, 1))
    shown = (at.dataframe if grid else at.table)[0].value
    assert shown.shape == (rows, cols)
    if not grid:
        assert shown.iloc[-1, -1] == tables.cell((rows - 1) * (cols - 1) + 0.5, None, "—")
