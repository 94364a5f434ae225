"""normlab entry point: page config, shared sidebar controls and navigation over the page registry."""

import pandas  # noqa: F401 (imported now, not lazily by st.dataframe in 30 threads at once: that races)
import streamlit as st
import torch

from views import HOME, PAGES
from views import _ui as ui
from views._slots import run_slot

# Process-wide, once: our nets are tiny and dominated by per-op overhead, so one thread is as fast unloaded and far
# faster when sessions share the cores (two threads per run spin against each other). Measured in bench/.
torch.set_num_threads(1)

st.set_page_config(page_title="normlab", page_icon=":material/stacked_line_chart:", layout="wide")
with run_slot():  # a class's runs take turns instead of all crawling at once (views/_slots.py)
    ui.begin_run()

    # Controls shared by every page live here so they survive page switches (and stay in the URL).
    with st.sidebar:
        st.caption("Shared settings")
        ui.number_input("Seed", 0, 2**31 - 1, 0, 1, key="seed", help="Every random draw in the app derives from it.")
        ui.toggle("Show equations", True, key="eq", help="Render each method's update rule or formula.")

    # st.Page resolves its script on disk (realpath, stat): a dozen syscalls a rerun, each a wait for the GIL when a
    # class shares the server. A session reruns one script at a time, so it keeps its own Page objects.
    if "_pages" not in st.session_state:
        st.session_state["_pages"] = [
            st.Page(HOME.script, title=HOME.title, icon=HOME.icon, url_path=HOME.url_path, default=True)
        ] + [st.Page(p.script, title=p.title, icon=p.icon, url_path=p.url_path) for p in PAGES]
    nav = st.navigation(st.session_state["_pages"])
    nav.run()
ui.freeze_startup_objects()  # once per process, after the first page's imports: cheap full GCs from then on
