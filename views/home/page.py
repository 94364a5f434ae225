"""Home: what normlab is, its views, and a gallery of every page's one-click presets."""

from pathlib import Path

import streamlit as st

from views import PAGES
from views.home.gallery import GALLERY
from views.home.thumbnails import thumbnail
from views.ui import frame

DOCS = Path(__file__).resolve().parents[2] / "docs"
BY_PATH = {p.url_path: p for p in PAGES}

with frame.page(
    "normlab",
    "See how neural networks are **normalized** and **optimized**: every number on these pages is computed "
    "live by a NumPy/PyTorch core that is tested against `torch` itself. Pick a view:",
):
    cols = st.columns(3)
    for i, spec in enumerate(PAGES):
        with cols[i % 3], st.container(border=True):
            thumbnail(DOCS / f"{spec.url_path}.png")
            st.page_link(spec.script, label=spec.title, icon=spec.icon)
            st.caption(spec.teaches)
    if not PAGES:
        st.info("No views are installed yet.")
    examples = [e for e in GALLERY if e.page in BY_PATH]
    if examples:
        st.subheader("Classic pictures, one click each")
        cols = st.columns(4)
        for i, ex in enumerate(examples):
            spec = BY_PATH[ex.page]
            with cols[i % 4], st.container(border=True):
                thumbnail(ex.thumb)
                st.page_link(spec.script, label=ex.title, icon=spec.icon, query_params={"example": ex.name})
                st.caption(ex.line)
