"""Each chart's cost in plotly.js alone: its figure replayed in a blank page with the plotly.js plotly.py ships.

Mount = Plotly.newPlot (what a remount pays), update = Plotly.react with a fresh copy (what an in-place update
pays when every array is new). Streamlit bundles its own plotly.js build of the same major version.
"""

from __future__ import annotations

from pathlib import Path
from statistics import median

import plotly

from bench.browser.tab import Run

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
_REPLAY = """async ({fig, reps}) => {
  const div = document.createElement('div'); div.style.width = '1000px'; div.style.height = '600px';
  document.body.appendChild(div); const mount = [], update = [];
  for (let r = 0; r < reps; r++) {
    const a = JSON.parse(fig), b = JSON.parse(fig);
    let t = performance.now(); await Plotly.newPlot(div, a.data, a.layout); div.getBoundingClientRect();
    mount.push(performance.now() - t);
    t = performance.now(); await Plotly.react(div, b.data, b.layout); div.getBoundingClientRect();
    update.push(performance.now() - t);
    Plotly.purge(div);
  }
  div.remove(); return {mount, update};
}"""


def replay(run: Run, figures: list[str], reps: int = 3) -> list[dict]:
    """Median mount and update ms of each figure (JSON strings from probe.js figureJson)."""
    context = run.browser.new_context()
    try:
        page = context.new_page()
        page.set_content("<html><body></body></html>")
        page.add_script_tag(path=str(PLOTLY_JS))
        out = []
        for fig in figures:
            try:
                got = page.evaluate(_REPLAY, {"fig": fig, "reps": reps})
                out.append({"mount_ms": median(got["mount"]), "update_ms": median(got["update"])})
            except Exception as exc:  # noqa: BLE001 (one figure plotly.js refuses must not sink the rest)
                out.append({"error": str(exc).splitlines()[0][:120]})
        return out
    finally:
        context.close()
