"""The activations & inputs page in real Chromium: move the mean, switch activation, open every tab; screenshots."""

from pathlib import Path

import pytest

from bench.browser.tab import PROBE, kind
from tests.browser.conftest import chart_data, exception_blocks, move_slider, wait_for_app

pytestmark = pytest.mark.browser
DOCS = Path(__file__).resolve().parents[2] / "docs"
# A run of the whole page sends ~60 elements (tabs, every tab's controls, sidebar); the explorer's fragment ~35.
FRAGMENT_DELTAS = 45


def _open(page, app_url: str) -> None:
    page.goto(f"{app_url}/")  # the router first, so the deep link runs through app.py's navigation
    wait_for_app(page)
    page.goto(f"{app_url}/activations")
    wait_for_app(page, charts=3)


def _changed(page, index: int, before: str) -> None:
    page.wait_for_function(
        "([i, old]) => { const g = document.querySelectorAll('.js-plotly-plot')[i];"
        " return g && JSON.stringify(g.data) !== old; }", arg=[index, before], timeout=30_000)
    wait_for_app(page, charts=3)


def _metric(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has=page.get_by_text(label, exact=True)).first
    return box.locator('[data-testid="stMetricValue"]').inner_text()


def _visible_charts(page) -> int:
    return page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot')]"
                         ".filter(g => g.getBoundingClientRect().width > 100).length")


def test_mean_slider_kills_relus_and_sigmoid_shows_its_quarter(page, app_url):
    _open(page, app_url)
    assert exception_blocks(page) == []
    page.screenshot(path=str(DOCS / "activations.png"))
    assert _metric(page, "dead ReLUs: Φ(−μ/σ)") == "50.0%"
    before = chart_data(page, 0)
    move_slider(page, "Pre-activation mean", presses=10, key="ArrowLeft")  # 0 -> -1.0
    _changed(page, 0, before)
    assert _metric(page, "dead ReLUs: Φ(−μ/σ)") == "84.1%"  # Phi(1)
    assert "act_mu=-1" in page.url  # the setting lives in the link

    before = chart_data(page, 0)
    page.get_by_label("Activation", exact=True).first.click()
    page.get_by_role("option", name="Sigmoid").click()
    _changed(page, 0, before)
    assert _metric(page, "max |f′|") == "0.25"
    assert page.get_by_text("Sigmoid: f and f′", exact=False).count() >= 1
    assert exception_blocks(page) == []


def tick_deltas(page, start: int) -> int:
    """Elements the server sent for the first run requested after websocket message ``start`` (probe.js)."""
    msgs = [kind(m) for m in page.evaluate("i => window.__nlab.ws.slice(i)", start)]
    first = msgs.index("rerun_script")
    return msgs[first:msgs.index("script_finished", first)].count("delta")


def test_a_mean_tick_reruns_the_explorer_only_and_updates_its_charts_in_place(page, app_url):
    page.add_init_script(path=str(PROBE))  # records the websocket's messages
    _open(page, app_url)
    page.evaluate("() => { window.__charts = [...document.querySelectorAll('.js-plotly-plot')]; }")
    start, before = page.evaluate("() => window.__nlab.ws.length"), chart_data(page, 0)
    move_slider(page, "Pre-activation mean")
    _changed(page, 0, before)
    # The same plot nodes with new data: updated with Plotly.react, never a blank remounted panel.
    assert page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot')].every((g, i) => g === "
                         "window.__charts[i])")
    assert tick_deltas(page, start) < FRAGMENT_DELTAS
    assert _metric(page, "dead ReLUs: Φ(−μ/σ)") == "46.0%"  # Phi(-0.1): the numbers follow the fragment's run
    assert exception_blocks(page) == []


def test_preprocessing_and_digits_tabs_draw(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 1500})  # Streamlit scrolls inside the app: show whole tabs
    _open(page, app_url)
    page.get_by_role("tab", name="Input preprocessing (2-D)").click()  # built when it opens: a rerun
    page.get_by_text("4/20 cut").first.wait_for(timeout=60_000)
    wait_for_app(page, charts=2)
    assert _visible_charts(page) == 2  # the five scatter panels (one figure) and the cut counts
    assert page.get_by_text("4/20 cut").count() >= 1 and page.get_by_text("PCA-whitened").count() >= 1
    page.screenshot(path=str(DOCS / "activations-preprocessing.png"))
    page.get_by_role("tab", name="Digits whitening").click()
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')]"
                           ".filter(g => g.getBoundingClientRect().width > 0).length >= 4", timeout=60_000)
    wait_for_app(page, charts=4)
    assert _visible_charts(page) == 4  # mosaic, spectrum, covariances, active shares
    assert exception_blocks(page) == []
    page.screenshot(path=str(DOCS / "activations-digits.png"))
    assert not [e for e in page.console_errors if "favicon" not in e and "net::ERR_" not in e
                and "Failed to load resource" not in e]
