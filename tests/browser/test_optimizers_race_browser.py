"""The race plays in Chromium: the map stays under the paths in every sampled frame, the player is asked for >= 20
frames a second (the rate reached is `make bench-browser`'s), nothing goes to the server while it plays, and Play
reads on the dark theme."""

import time

import pytest

from tests.browser.conftest import VIEWPORT, exception_blocks, wait_for_app
from tests.browser.test_themes_browser import contrast

pytestmark = pytest.mark.browser
RACE = "/optimizers?otab=Race&race=true"  # the Race tab with the animation built, as a link opens it

# The race chart (the one with a Play button): its map image and path traces, read in the page while it plays.
SAMPLE = """
() => {
  const g = [...document.querySelectorAll('.js-plotly-plot')].find(p => p.querySelector('.updatemenu-button'));
  const img = g.querySelector('.layer-below image, .imagelayer image');
  const plot = g.querySelector('.nsewdrag').getBoundingClientRect();
  const box = img ? img.getBoundingClientRect() : null;
  const covers = !!box && box.left <= plot.left + 2 && box.right >= plot.right - 2 && box.top <= plot.top + 2
    && box.bottom >= plot.bottom - 2;
  const href = img ? (img.getAttribute('href') || img.getAttribute('xlink:href') || '') : '';
  return {step: g._fullLayout.sliders[0].active, map: covers && href.startsWith('data:image/png'),
          layers: [...g.querySelectorAll('.mlayer')].map(l => l.getAttribute('class')),
          paths: g.querySelectorAll('.scatterlayer .trace').length, frames: g._transitionData._frames.length};
}
"""


def _open_race(page, app_url):
    page.goto(app_url + RACE)
    page.locator(".updatemenu-button").first.wait_for(timeout=120_000)
    wait_for_app(page, charts=1)


def test_race_plays_in_the_browser_with_the_map_under_every_frame(page, app_url):
    sent = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(time.monotonic())))
    _open_race(page, app_url)
    first = page.evaluate(SAMPLE)
    assert first["map"] and first["frames"] <= 100 and first["step"] == 0
    page.evaluate("() => { const g = [...document.querySelectorAll('.js-plotly-plot')].find(p => "
                  "p.querySelector('.updatemenu-button')); window._frames = 0;"
                  " g.on('plotly_animatingframe', () => window._frames++); }")
    before = len(sent)
    page.locator(".updatemenu-button").first.click()  # ▶ Play
    samples, rates = [], []
    for _ in range(3):  # three windows of ~1.2 s: the machine is shared, the best window says what the page can do
        n0, t0 = page.evaluate("() => window._frames"), time.monotonic()
        for _ in range(6):
            page.wait_for_timeout(200)
            samples.append(page.evaluate(SAMPLE))
        rates.append((page.evaluate("() => window._frames") - n0) / (time.monotonic() - t0))
    steps = [s["step"] for s in samples]
    assert steps == sorted(steps) and steps[-1] > steps[0] > 0  # it is playing
    assert all(s["map"] for s in samples), samples  # the map is under the paths in every sampled frame
    assert all(s["paths"] == first["paths"] for s in samples)
    # Played at >= 20 frames a second as asked of plotly (at most 50 ms a frame); the rate this machine reaches is
    # measured by `make bench-browser` (a ratio-free target there: timed tests fail on a busy or slower machine).
    pace = page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot')].find(p => p.querySelector("
                         "'.updatemenu-button')).layout.updatemenus[0].buttons[0].args[1].frame.duration")
    assert pace <= 50 and max(rates) > 0, (pace, rates)
    assert len(sent) == before  # no message to the server while the browser plays
    assert exception_blocks(page) == []


def test_play_reads_on_the_dark_theme(browser, app_url):
    context = browser.new_context(viewport=VIEWPORT, color_scheme="dark")
    page = context.new_page()
    try:
        _open_race(page, app_url)
        fg, bg = page.evaluate("() => { const b = document.querySelector('.updatemenu-button');"
                               " return [getComputedStyle(b.querySelector('text')).fill,"
                               " getComputedStyle(b.querySelector('rect')).fill]; }")
        assert page.locator(".updatemenu-button text").first.text_content() == "▶ Play"
        assert contrast(fg, bg) >= 4.5, (fg, bg)
    finally:
        context.close()
