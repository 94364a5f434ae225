"""Screenshots shown as card images: shrunk and JPEG-encoded once per file version, shared by every session."""

from __future__ import annotations

import io
from pathlib import Path

import streamlit as st


@st.cache_resource(max_entries=64, show_spinner=False)
def _thumbnail_bytes(path: str, mtime: float, width: int) -> bytes:
    from PIL import Image

    with Image.open(path) as im:
        im = im.convert("RGB")
        im.thumbnail((width, width * 4))
        out = io.BytesIO()
        im.save(out, format="JPEG", quality=85)
    return out.getvalue()


def thumbnail(path: Path, width: int = 640) -> None:
    """``st.image`` of a screenshot (nothing if it is missing).

    Given a PNG path, Streamlit decodes and re-encodes it on every rerun (most of the home page's CPU time);
    JPEG bytes already at display size pass straight through.
    """
    if path.exists():
        st.image(_thumbnail_bytes(str(path), path.stat().st_mtime, width), width="stretch", output_format="JPEG")
