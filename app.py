"""normlab entry point: page config, shared sidebar controls and navigation over the page registry."""

import pandas  # noqa: F401 (imported now, not lazily by st.dataframe in 30 threads at once: that races)
import streamlit as st
import torch

from views import HOME, PAGES
from views.ui import first_paint, frame, links, reaper, server, warmup

# The tab icon ships with the app: a ":material/...:" page icon is fetched from Google's font CDN on every load, and
# nothing may leave the machine (the SVG travels inline as a data URI; tests/browser/test_offline_browser.py).
ICON = (frame.STATIC / "normlab.svg").read_text()

# Process-wide, once: our nets are tiny and dominated by per-op overhead, so one thread is as fast unloaded and far
# faster when sessions share the cores (two threads per run spin against each other). Measured in bench/.
torch.set_num_threads(1)

# Presentation mode starts with the sidebar closed (the projector needs the width); its toggle stays in there.
st.set_page_config(page_title="normlab", page_icon=ICON, layout="wide",
                   initial_sidebar_state="collapsed" if frame.presenting() else "auto")
with server.run_slot():  # a class's runs take turns instead of all crawling at once (views/ui/server.py)
    # A new tab's first run sends the charts and empty places for the controls, which follow once a chart is drawn
    # (views/ui/first_paint.py): the browser draws the chart before it mounts 40-90 controls.
    with first_paint.charts_first():
        links.begin_run()
        frame.shared_settings()  # drawn here so they survive page switches (and stay in the URL)

        # st.Page resolves its script on disk (realpath, stat): a dozen syscalls a rerun, each a wait for the GIL when a
        # class shares the server. A session reruns one script at a time, so it keeps its own Page objects.
        if "_pages" not in st.session_state:
            st.session_state["_pages"] = [
                st.Page(HOME.script, title=HOME.title, icon=HOME.icon, url_path=HOME.url_path, default=True)
            ] + [st.Page(p.script, title=p.title, icon=p.icon, url_path=p.url_path) for p in PAGES]
        nav = st.navigation(st.session_state["_pages"])
        nav.run()
reaper.install()  # closed tabs' sessions are shut down when Streamlit forgets them (views/ui/reaper.py)
server.freeze_startup_objects()  # once per process, after the first page's imports: cheap full GCs from then on
warmup.start()  # once per process: the other pages' imports and torch's, while no page run waits
