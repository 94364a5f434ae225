"""A new tab draws its first chart before it mounts the controls, then the whole page with a link's values kept."""

from __future__ import annotations

import pytest

from tests.browser.conftest import FIRST_PAINT, VIEWPORT, exception_blocks, wait_for_app

pytestmark = pytest.mark.browser

# Every frame from the first on: when the first real chart (not the plotly.js loader) and the first slider appeared.
WATCH = """
(() => {
  const W = (window.__fp = {});
  const loader = (g) => !!(g.data && g.data.length === 1 && g.data[0].name === "plotly.js loader");
  const look = () => {
    const now = performance.now();
    if (W.chart === undefined && [...document.querySelectorAll(".js-plotly-plot")].some(
        (g) => !loader(g) && g._fullData && g._fullData.length && g.querySelector(".main-svg"))) W.chart = now;
    if (W.slider === undefined && document.querySelector('[data-testid="stSlider"]')) W.slider = now;
    if (W.chart === undefined || W.slider === undefined) requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})();
"""


@pytest.mark.parametrize("path, query, slider", [("optimizers", "?steps=700", "Steps"), ("normalization", "", "")])
def test_the_first_chart_comes_before_the_controls_and_the_link_survives(browser, app_url, path, query, slider):
    context = browser.new_context(viewport=VIEWPORT)
    errors: list[str] = []
    try:
        context.add_init_script(script=WATCH)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{app_url}/{path}{query}")
        wait_for_app(page, charts=1, timeout=120_000)
        seen = page.evaluate("() => window.__fp")
        assert seen.get("chart") is not None and seen.get("slider") is not None, seen
        assert seen["chart"] < seen["slider"], f"a slider was mounted {seen['chart'] - seen['slider']:.0f} ms first"
        assert page.locator(FIRST_PAINT).count() == 0  # the rerun that brings the controls has ended
        if slider:  # the link's value reached the slider, which the first run only emptied
            box = page.locator('[data-testid="stSlider"]').filter(has=page.get_by_text(slider, exact=True)).first
            value = box.locator('[data-testid="stSliderThumbValue"]').first.inner_text()
            assert value == query.split("=")[1], f"{slider} shows {value}, the link said {query}"
        assert exception_blocks(page) == []
        assert [e for e in errors if "Failed to load resource" not in e] == []  # Streamlit probes paths that 404
    finally:
        context.close()
