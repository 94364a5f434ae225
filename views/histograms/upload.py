"""The own-CSV upload of the activation-histogram page: parsed in memory, kept in this session only (owns its keys)."""

from __future__ import annotations

import hashlib

import streamlit as st

from core.csv_data import MAX_BYTES, MAX_CLASSES, MAX_FEATURES, MAX_ROWS, MIN_ROWS, CSVDataError, parse_csv
from core.datasets import Split
from views.ui import text

OWN = "csv"  # the Dataset option that means "the file I uploaded"
TITLE = "Your own CSV"
STORE = "hist_csv_data"  # session_state only: {"digest", "split", "error"}; never a cache shared by sessions
FORMAT = (f"Comma-separated, one row per example: 2 to {MAX_FEATURES} numeric feature columns, then the label "
          f"(2 to {MAX_CLASSES} classes, numbers or words; 1 and 1.0 are one class). {MIN_ROWS} to {MAX_ROWS} rows, "
          f"at most 1 MB ({MAX_BYTES:,} bytes), header optional. Features are standardized; a quarter of each class "
          "is held out for testing.")
# The uploader's limit in Streamlit's megabytes (the browser multiplies by 1,000): the parser's limit, exactly.
UPLOAD_MB = MAX_BYTES // 1_000_000
assert UPLOAD_MB * 1_000_000 == MAX_BYTES, "the uploader takes whole megabytes"


def uploader(seed: int) -> str:
    """Sidebar uploader; returns a digest naming the parsed file and seed, or "" while there is none or it is bad."""
    f = st.file_uploader("Your CSV", type=["csv", "txt"], key="hist_csv", max_upload_size=UPLOAD_MB,
                         help=FORMAT)
    if f is None:
        st.session_state.pop(STORE, None)
        st.caption(FORMAT)
        return ""
    data = f.getvalue()  # bytes in memory: nothing is written to disk
    digest = f"{hashlib.sha256(data).hexdigest()[:16]}-{seed}"
    stored = st.session_state.get(STORE)
    if stored is None or stored["digest"] != digest:
        try:
            stored = {"digest": digest, "split": parse_csv(data, seed), "error": None}
        except CSVDataError as exc:
            stored = {"digest": digest, "split": None, "error": str(exc)}
        st.session_state[STORE] = stored
    if stored["error"]:
        st.error("This file cannot be used; the reason is shown on the page.", icon=":material/block:")
        return ""
    st.caption(stored["split"].title)
    return digest


def own_split(digest: str) -> Split | None:
    """The parsed upload of this session matching ``digest`` (None if it is gone)."""
    stored = st.session_state.get(STORE)
    return stored["split"] if stored and stored["digest"] == digest else None


def refusal() -> str | None:
    """Why this session's file was refused, as markdown showing the reason verbatim (it quotes the file), or None."""
    stored = st.session_state.get(STORE)
    return text.plain(stored["error"], limit=400) if stored and stored["error"] else None


def fit_batch(batch: int, digest: str) -> int:
    """``batch`` clamped to the uploaded file's training rows, with a notice when it was larger; else unchanged."""
    split = own_split(digest) if digest else None
    n = len(split.y_train) if split is not None else batch
    if batch <= n:
        return batch
    st.info(f"Batch size {batch} is more than your file's {n} training rows: each step uses all {n}.",
            icon=":material/info:")
    return n
