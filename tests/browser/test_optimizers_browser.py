"""Optimizer page in Chromium: a preset, the race's Play, click-to-start on the contour, and the sweep."""

import pytest

from tests.browser.conftest import exception_blocks, wait_for_app

pytestmark = pytest.mark.browser
MAP = 'div.nl-live[data-key="contour"]'  # the map: a live chart (views.ui.charts.live) keyed "contour"
MAP_DATA = "() => JSON.stringify(document.querySelector('div.nl-live[data-key=\"contour\"]').data)"


def test_preset_play_click_and_sweep(page, app_url):
    page.goto(f"{app_url}/optimizers")
    wait_for_app(page, charts=2)
    page.get_by_role("radio", name="Long valley").click()
    wait_for_app(page, charts=2)
    assert "surf=Long+valley" in page.url  # Streamlit writes an option as its label

    before = page.evaluate(MAP_DATA)
    box = page.locator(MAP).locator(".nsewdrag").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3)  # anywhere on the map
    page.wait_for_function(f"old => ({MAP_DATA})() !== old", arg=before, timeout=30_000)
    wait_for_app(page, charts=2)
    assert "x0=" in page.url and "y0=" in page.url

    page.get_by_role("tab", name="Race", exact=True).click()  # a tab is built when it opens (a rerun)
    page.get_by_text("Build the animated race").click()
    page.get_by_text("▶ Play").first.wait_for(timeout=60_000)
    wait_for_app(page, charts=1)
    page.get_by_text("▶ Play").first.click()
    page.wait_for_timeout(1500)

    page.get_by_role("tab", name="Sweep").click()
    page.get_by_text("Run the 64 x 64 sweep").click()
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')].some(g => g.data && "
                           "g.data.some(t => t.type === 'heatmap'))", timeout=120_000)
    wait_for_app(page)
    page.screenshot(path="docs/optimizers-sweep.png")
    assert exception_blocks(page) == []


def test_noise_bundle_and_schedule_chart(page, app_url):
    """A link with noise and a cosine schedule: faint bundles (7 paths each) under the bold paths, the lr chart."""
    page.goto(f"{app_url}/optimizers?surf=Long+valley&nz_sigma=1&nz_paths=8&sch_name=Cosine")
    wait_for_app(page, charts=3, timeout=180_000)  # a cold server on a busy 2-core machine
    bundles = page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(g => (g._fullData || [])"
        ".filter(t => (t.name || '').endsWith('(other seeds)'))"
        ".map(t => [t.opacity, t.line.width, Array.from(t.x).filter(v => v === null || Number.isNaN(v)).length]))")
    assert len(bundles) == 7
    assert all(o < 0.5 and w < 2 and gaps == 7 for o, w, gaps in bundles), bundles  # faint, thin, 7 runs each
    lr_chart = page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot')].some(g => g.layout && g.layout.yaxis && "
        "g.layout.yaxis.title && g.layout.yaxis.title.text === 'lr ÷ lr₀')")
    assert lr_chart
    page.locator(".js-plotly-plot").nth(1).scroll_into_view_if_needed()
    page.screenshot(path="docs/optimizers-noise.png")
    assert exception_blocks(page) == []


def test_fair_race_look_ahead_and_plugged_step(page, app_url):
    """Nesterov's look-ahead and a step in LaTeX, then each optimizer at its best lr (sensitivity chart, stars)."""
    page.goto(f"{app_url}/optimizers?otab=Step+inspector&inspect=Nesterov&k=3&surf=Long+valley")  # a shared link
    wait_for_app(page, charts=2)
    look = page.locator(".js-plotly-plot").filter(has_text="look-ahead picture")
    look.wait_for(timeout=30_000)
    legend = look.inner_text()
    assert "Nesterov lands" in legend and "plain momentum lands" in legend
    panel = page.get_by_role("tabpanel", name="Step inspector")
    assert panel.locator(".katex").count() >= 1  # the plugged-in step renders as LaTeX, not raw source
    assert "\\begin{aligned}" not in panel.inner_text()
    look.screenshot(path="docs/optimizers-lookahead.png")

    page.get_by_text("each at its own best lr").click()
    wait_for_app(page, charts=2)
    assert "lrmode=" in page.url
    page.get_by_role("tab", name="Fair race").click()
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')].some(g => (g.data || [])"
                           ".some(t => (t.hovertemplate || '').includes('best lr')))", timeout=60_000)
    stars = page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(g => (g.data || [])"
                          ".filter(t => (t.hovertemplate || '').includes('best lr')))"
                          ".map(t => t.x[0])")
    assert len(stars) == 7 and all(1e-5 <= x <= 10 for x in stars)
    chart = page.locator(".js-plotly-plot").filter(has_text="Final loss against lr")
    chart.evaluate("e => e.scrollIntoView({block: 'end'})")
    page.wait_for_timeout(300)
    page.screenshot(path="docs/optimizers-fair-race.png")
    assert exception_blocks(page) == []
