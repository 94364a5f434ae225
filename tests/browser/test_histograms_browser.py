"""Real Chromium: Play trains live, two contexts train independently; overlay, saturation, PNG button and CSV
download; own CSV upload through the real file input."""

from pathlib import Path

import pytest

from tests.browser.conftest import chart_data, exception_blocks, wait_for_app

SHOTS = Path("/tmp/histpage")
DOCS = Path(__file__).resolve().parents[2] / "docs"


def _step(page) -> int:
    text = page.get_by_text("test accuracy").first.inner_text()
    return int(text.split("·")[0].replace("Step", "").strip())


@pytest.mark.browser
def test_play_trains_live_and_pause_stops(page, app_url, browser):
    SHOTS.mkdir(exist_ok=True)
    page.goto(f"{app_url}/histograms")
    wait_for_app(page, charts=5)
    before = chart_data(page, 0)
    assert _step(page) == 0
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("() => /Step [1-9]\\d*/.test(document.body.innerText)", timeout=60_000)
    page.wait_for_timeout(4000)
    assert _step(page) > 0 and chart_data(page, 0) != before
    assert len(page.locator(".js-plotly-plot").all()) >= 5 and '"y"' in (chart_data(page, 1) or "")
    page.screenshot(path=str(SHOTS / "browser_playing.png"))
    other = browser.new_context(viewport={"width": 1200, "height": 800}).new_page()
    other.goto(f"{app_url}/histograms")
    wait_for_app(other, charts=5)
    assert _step(other) == 0  # a second student starts from scratch while the first trains
    other.context.close()
    page.get_by_role("button", name="Pause").click()
    page.wait_for_timeout(1500)
    paused = _step(page)
    page.wait_for_timeout(1500)
    assert _step(page) == paused
    assert not exception_blocks(page)


def _good_csv() -> bytes:
    return ("x1,x2,label\n" + "".join(f"{i * 0.1:.2f},{(i * 7) % 11 - 5},{'ab'[i % 2]}\n"
                                       for i in range(80))).encode()


def _upload(page, name: str, data: bytes) -> None:
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}])


@pytest.mark.browser
def test_saturation_overlay_png_button_csv_download(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 3200})
    page.goto(f"{app_url}/histograms?act=relu&init=he&depth=4&lr=0.1")
    wait_for_app(page, charts=6, timeout=180_000)
    page.get_by_role("button", name="Step").click()
    page.wait_for_function("() => /Step [1-9]\\d*/.test(document.body.innerText)", timeout=120_000)
    stepped = _step(page)  # one recorded interval (its length follows from the net's cost)
    assert page.get_by_text("output = 0").count() >= 1  # the saturation rule for relu
    page.get_by_text("nets on one axis").click()
    page.wait_for_function("() => { const g = document.querySelector('.js-plotly-plot');"
                           " return g && /both nets on one axis/.test(g.layout.title.text); }", timeout=120_000)
    wait_for_app(page, timeout=180_000)
    page.screenshot(path=str(DOCS / "histograms_saturation.png"), full_page=True)
    # The camera button is in the modebar and saves a named 2x PNG.
    chart = page.locator(".js-plotly-plot").first
    chart.hover()
    camera = chart.locator('.modebar-btn[data-title^="Download plot"]')
    assert camera.count() == 1
    opts = page.evaluate("() => document.querySelector('.js-plotly-plot')._context.toImageButtonOptions")
    assert opts["filename"] == "normlab_hist_layers" and opts["scale"] == 2
    with page.expect_download(timeout=60_000) as png:
        camera.click()
    assert png.value.suggested_filename == "normlab_hist_layers.png"
    assert Path(png.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with page.expect_download() as dl:
        page.get_by_role("button", name="Curves CSV").click()
    text = Path(dl.value.path()).read_text()
    assert text.startswith("step,net,loss,test_accuracy,layer1_mean") and f"\n{stepped},No normalization," in text
    assert not exception_blocks(page)


@pytest.mark.browser
def test_upload_good_and_bad_csv(page, app_url):
    page.goto(f"{app_url}/histograms?data=Your+own+CSV")
    page.wait_for_function("() => /Upload a CSV in the sidebar/.test(document.body.innerText)", timeout=180_000)
    _upload(page, "mine.csv", _good_csv())
    page.wait_for_function("() => /80 rows, 2 features, 2 classes/.test(document.body.innerText)", timeout=120_000)
    wait_for_app(page, charts=6, timeout=180_000)
    assert _step(page) == 0
    _upload(page, "bad.csv", _good_csv().replace(b"0.50,", b"inf,", 1))
    page.wait_for_function("() => /not a finite number/.test(document.body.innerText)", timeout=120_000)
    assert page.get_by_text("This file cannot be used").count() == 2  # sidebar and page
    assert not exception_blocks(page)


# Counts, frame by frame, how often the first chart's data changes, and samples whether any chart is missing, not
# drawn, or greyed out while a run replaces it.
_WATCH = """async ({ms, n}) => {
  const plots = () => [...document.querySelectorAll('.js-plotly-plot')];
  const drawn = g => g.getBoundingClientRect().height > 20 && !!g.querySelector('.trace, .main-svg image');
  const faded = g => { const c = g.closest('[data-testid="stElementContainer"]');
    return !!c && parseFloat(getComputedStyle(c).opacity) < 0.9; };  // greyed while a slow run replaces it
  const expected = plots().length, samples = [];
  // What the first chart shows (its title and a value), so a remount that redraws the same figure is not counted.
  const shown = g => g ? `${(g.layout.title || {}).text}|${g.data[0] && g.data[0].y && g.data[0].y[1]}` : null;
  let last = shown(plots()[0]), updates = 0, next = performance.now() + ms / n / 2;
  const t0 = performance.now();
  await new Promise(done => { const loop = () => {
    const now = performance.now(), els = plots();
    if (shown(els[0]) !== last) { updates++; last = shown(els[0]); }
    while (now >= next && samples.length < n) { next += ms / n;
      const bad = els.length < expected ? ['missing']
        : els.filter(g => !drawn(g) || faded(g)).map(g => g.dataset.key || 'chart');
      samples.push(bad.length ? bad : null); }
    if (now - t0 < ms) requestAnimationFrame(loop); else done(); };
    requestAnimationFrame(loop); });
  return {rate: updates / ((performance.now() - t0) / 1000), bad: samples.filter(Boolean).length, n: samples.length,
          what: samples.filter(Boolean)[0] || null};
}"""
# The floor: the same Streamlit ticking four times a second and redrawing one small chart, served by the same Python
# in the same run; on a quiet machine it reaches 4 updates a second, on a loaded one it shows what is possible.
_FLOOR = """
import numpy as np, plotly.graph_objects as go, streamlit as st
@st.fragment(run_every=0.25)
def tick():
    k = st.session_state["k"] = st.session_state.get("k", 0) + 1
    x = np.linspace(0, 1, 200)
    st.plotly_chart(go.Figure(go.Scatter(x=x, y=np.sin(2 * np.pi * (k % 20 + 1) * x))), key="floor")
tick()
"""


def _floor_rate(browser, tmp_path) -> float:
    from bench.load import server

    app = tmp_path / "floor.py"
    app.write_text(_FLOOR)
    with server.direct(str(app)) as (url, _):
        page = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
        page.goto(url)
        wait_for_app(page, charts=1)
        page.wait_for_timeout(1000)
        got = page.evaluate(_WATCH, {"ms": 6000, "n": 12})
        page.context.close()
    return got["rate"]


@pytest.mark.browser
@pytest.mark.parametrize("query", ["", "?preset=CS231n+init&depth=10&width=500&act=tanh&init=normal_0.01&lr=0.1"])
def test_live_view_plays_five_frames_a_second_without_blank_panels(browser, app_url, tmp_path, query):
    page = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    page.goto(f"{app_url}/histograms{query}")
    wait_for_app(page, charts=5, timeout=180_000)
    page.get_by_role("button", name="Play").click()
    page.get_by_role("button", name="Pause").wait_for(timeout=60_000)
    page.wait_for_timeout(2000)  # the first frames trained ahead
    first = page.locator(".js-plotly-plot").first.element_handle()
    got = page.evaluate(_WATCH, {"ms": 6000, "n": 24})
    assert first.evaluate("g => g.isConnected")  # the chart was updated in place, never remounted
    page.mouse.wheel(0, 900)  # scrolling while playing: the charts below come into view drawn
    scrolled = page.evaluate(_WATCH, {"ms": 2000, "n": 8})
    page.get_by_role("button", name="Pause").click()
    page.context.close()
    floor = _floor_rate(browser, tmp_path)
    print(f"live {got['rate']:.2f} updates/s, floor app {floor:.2f}/s, bad samples {got['bad']}/{got['n']} "
          f"{got['what']}, after scrolling {scrolled['bad']}/{scrolled['n']} {scrolled['what']}")
    assert got["bad"] == 0 and scrolled["bad"] == 0
    # Five frames a second, played by the browser from three a tick (3 allows for a busy
    # machine); under heavy load at least twice what the same Streamlit reaches remounting one small chart per tick
    # (measured 5.0-5.2/s here; 3.97-3.99/s when every frame was a rerun).
    assert got["rate"] >= 3.0 or got["rate"] >= 2 * floor
