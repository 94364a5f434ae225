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


# A key given twice is a value Streamlit cannot read: the page seeds it by code (widgets._seed), and that run is sent
# whole (first_paint.skip: the seeded value would not survive an emptied control), so its controls come first.
@pytest.mark.parametrize("path, query, slider, shown, first", [("optimizers", "?steps=700", "Steps", "700", True),
                                                               ("optimizers", "?steps=300&steps=400", "Steps", "400",
                                                                False),
                                                               ("normalization", "", "", "", True)])
def test_the_first_chart_comes_before_the_controls_and_the_link_survives(browser, app_url, path, query, slider,
                                                                          shown, first):
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
        gap = seen["chart"] - seen["slider"]
        assert (gap < 0) == first, f"chart drawn {gap:.0f} ms after the first slider was mounted"
        assert page.locator(FIRST_PAINT).count() == 0  # the rerun that brings the controls has ended
        if slider:  # the link's value reached the slider, which the first run only emptied
            box = page.locator('[data-testid="stSlider"]').filter(has=page.get_by_text(slider, exact=True)).first
            value = box.locator('[data-testid="stSliderThumbValue"]').first.inner_text()
            assert value == shown, f"{slider} shows {value}, the link said {query}"
        assert exception_blocks(page) == []
        assert [e for e in errors if "Failed to load resource" not in e] == []  # Streamlit probes paths that 404
    finally:
        context.close()
