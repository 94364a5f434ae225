"""Home: what normlab is and a gallery of its views."""

from pathlib import Path

import streamlit as st

from views import PAGES
from views import _ui as ui

ROOT = Path(__file__).resolve().parent.parent

with ui.page(
    "normlab",
    "See how neural networks are **normalized** and **optimized**: every number on these pages is computed "
    "live by a NumPy/PyTorch core that is tested against `torch` itself. Pick a view:",
):
    cols = st.columns(3)
    for i, spec in enumerate(PAGES):
        with cols[i % 3], st.container(border=True):
            thumb = ROOT / "docs" / f"{spec.url_path}.png"
            if thumb.exists():
                st.image(str(thumb), width="stretch")
            st.page_link(spec.script, label=spec.title, icon=spec.icon)
            st.caption(spec.teaches)
    if not PAGES:
        st.info("No views are installed yet.")
