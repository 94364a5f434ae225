"""The normalization page in real Chromium: pick a cell, change G, every tab renders; screenshots to look at."""

from pathlib import Path

import pytest

from tests.browser.conftest import chart_data, exception_blocks, move_slider, wait_for_app

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/normpage")


def _changed(page, index: int, before: str) -> None:
    page.wait_for_function(
        "([i, old]) => { const g = document.querySelectorAll('.js-plotly-plot')[i];"
        " return g && JSON.stringify(g.data) !== old; }", arg=[index, before], timeout=30_000)


def _open(page, app_url: str) -> None:
    page.goto(f"{app_url}/")  # the router first, so the deep link below runs through app.py's navigation
    wait_for_app(page)
    page.goto(f"{app_url}/normalization")
    wait_for_app(page, charts=4)


def test_pick_a_cell_then_change_g(page, app_url):
    SHOTS.mkdir(exist_ok=True)
    _open(page, app_url)
    assert exception_blocks(page) == []
    page.screenshot(path=str(SHOTS / "browser_default.png"))
    before = chart_data(page, 0)
    move_slider(page, "cell n", presses=3)
    _changed(page, 0, before)
    wait_for_app(page, charts=4)
    assert page.get_by_text("x at n=3, c=5, h=3, w=4").count() == 1  # the cell's numbers follow the cell
    before = chart_data(page, 0)
    move_slider(page, "G (groups)")  # 4 -> 8: the GroupNorm set halves
    _changed(page, 0, before)
    wait_for_app(page, charts=4)
    assert page.get_by_text("N·G = 64").count() == 1
    assert exception_blocks(page) == []
    page.screenshot(path=str(SHOTS / "browser_cell_g8.png"))


def test_every_tab_renders_its_charts(page, app_url):
    _open(page, app_url)
    for name in ("Sequences: LayerNorm vs RMSNorm", "BatchNorm step by step", "Train vs eval", "Keras modes"):
        page.get_by_role("tab", name=name).click()  # a tab's body is built when it opens: a rerun
        page.wait_for_function("t => new URL(location).searchParams.get('ntab') === t", arg=name)
        if name == "BatchNorm step by step":
            page.get_by_text("max |dx − autograd|").wait_for(timeout=30_000)
        else:
            page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')]"
                                   ".some(g => g.getBoundingClientRect().width > 100)", timeout=30_000)
        wait_for_app(page)
        assert exception_blocks(page) == []
        page.screenshot(path=str(SHOTS / f"browser_{name.split(':')[0].split()[0].lower()}.png"))


# Page coordinates of the click target picking (n, c, h, w) in the first cube chart (plotly's own axis maps).
TARGET_XY = """want => { const g = document.querySelectorAll('.js-plotly-plot')[0];
  for (const t of g._fullData.filter(t => t.name === 'pick')) {
    for (let k = 0; k < t.customdata.length; k++) {
      if (Array.from(t.customdata[k]).join() !== want.join()) continue;
      const fl = g._fullLayout, r = g.getBoundingClientRect();
      return [r.left + fl.xaxis._offset + fl.xaxis.l2p(t.x[k]), r.top + fl.yaxis._offset + fl.yaxis.l2p(t.y[k])];
    } }
  return null; }"""


def _slider_value(page, label: str) -> str:
    widget = page.locator('[data-testid="stSlider"]').filter(has=page.get_by_text(label, exact=True)).first
    return widget.locator('[data-testid="stSliderThumbValue"]').first.inner_text()


def test_click_a_cube_cell_to_pick_it_and_the_four_sliders_follow(page, app_url):
    _open(page, app_url)
    page.locator(".stPlotlyChart").first.scroll_into_view_if_needed()
    before = chart_data(page, 0)
    xy = page.evaluate(TARGET_XY, [0, 9, 5, -1])  # front face: channel 9, image row 5 (w stays 4)
    assert xy is not None
    page.mouse.move(*xy)
    page.get_by_text("click: n = 0, c = 9, h = 5 (w stays)").wait_for(timeout=10_000)  # the hover says what it picks
    page.mouse.click(*xy)
    _changed(page, 0, before)
    wait_for_app(page, charts=4)
    assert page.get_by_text("x at n=0, c=9, h=5, w=4").count() == 1
    assert [_slider_value(page, f"cell {a}") for a in "nchw"] == ["0", "9", "5", "4"]
    xy = page.evaluate(TARGET_XY, [6, 15, 3, -1])  # right face (c = C - 1): sample 6, row 3
    page.mouse.click(*xy)
    page.get_by_text("x at n=6, c=15, h=3, w=4").wait_for(timeout=30_000)
    assert exception_blocks(page) == []


def test_draw_large_shows_one_method_large_beside_the_three_others(page, app_url):
    _open(page, app_url)
    before = chart_data(page, 0)
    page.locator('[data-testid="stSelectbox"]').filter(has=page.get_by_text("Draw large")).click()
    page.get_by_role("option", name="InstanceNorm").click()
    page.wait_for_function("() => new URL(location).searchParams.get('big') === 'InstanceNorm'")
    _changed(page, 0, before)
    wait_for_app(page, charts=4)
    sizes = page.evaluate("""() => { const g = document.querySelectorAll('.js-plotly-plot')[0];
        const t = g._fullData.find(t => t.name === 'labels');
        return Object.fromEntries(t.text.map((s, i) => [s.split('<br>')[0], t.textfont.size[i]])); }""")
    assert sizes["InstanceNorm"] > max(sizes[k] for k in ("BatchNorm", "LayerNorm", "GroupNorm (G = 4)"))
    assert sum(k.startswith("H·W") for k in sizes) == 1  # the sizes are written on the large cube only
    assert exception_blocks(page) == []


@pytest.mark.parametrize("viewport", [(1024, 768), (1600, 1000)])
def test_every_cube_label_lies_inside_the_chart(browser, app_url, viewport):
    context = browser.new_context(viewport=dict(zip(("width", "height"), viewport, strict=True)))
    page = context.new_page()
    try:
        _open(page, app_url)
        boxes = page.evaluate("""() => { const g = document.querySelectorAll('.js-plotly-plot')[0];
            const r = g.querySelector('.main-svg').getBoundingClientRect();
            return [[r.left, r.top, r.right, r.bottom], [...g.querySelectorAll('text')].map(t => {
                const b = t.getBoundingClientRect(); return [t.textContent, b.left, b.top, b.right, b.bottom]; })
                .filter(([s]) => s.trim())]; }""")
        (left, top, right, bottom), texts = boxes
        sizes = [t for t in texts if t[0].startswith("H·W")]
        assert sizes, texts  # every full-size cube names its S axis
        for text, x0, y0, x1, y1 in texts:
            assert left <= x0 and x1 <= right and top <= y0 and y1 <= bottom, (text, (x0, y0, x1, y1), boxes[0])
    finally:
        context.close()
