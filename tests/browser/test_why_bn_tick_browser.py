"""The "Why BN helps" page in real Chromium: a tick of Steps reruns the race tab's fragment only (the Steps slider,
the curves, the planes and their sentences), updates the charts in place and keeps the setting in the link."""

import pytest

from bench.browser.tab import PROBE, kind
from tests.browser.conftest import chart_data, exception_blocks, move_slider, wait_for_app

pytestmark = pytest.mark.browser
# A run of the whole page sends ~90 elements (title, tabs, every tab's controls, the lr expander, the sidebar); the
# fragment 13 (17 while the plane's full grid is computed: its progress and Cancel).
FRAGMENT_DELTAS = 25
IDLE_JOBS = "() => !document.querySelector('[data-testid=\"stProgress\"]')"


def _deltas(page, start: int) -> list[str]:
    """Kinds of the messages of the first run requested after websocket message ``start`` (probe.js)."""
    msgs = [kind(m) for m in page.evaluate("i => window.__nlab.ws.slice(i)", start)]
    first = msgs.index("rerun_script")
    return msgs[first:msgs.index("script_finished", first)]


def test_a_steps_tick_reruns_the_race_fragment_only(page, app_url):
    page.add_init_script(path=str(PROBE))  # records the websocket's messages
    page.goto(f"{app_url}/")  # the router first, so the deep link runs through app.py's navigation
    wait_for_app(page)
    page.goto(f"{app_url}/why-bn?rr_net=batch+norm")
    wait_for_app(page, charts=2, timeout=180_000)  # the curves and the (coarse) plane; a cold server trains first
    assert exception_blocks(page) == []
    page.wait_for_function(IDLE_JOBS, timeout=180_000)  # the plane's job done: its progress reruns are not the tick
    wait_for_app(page, charts=2)
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()  # a chart out of view waits to be seen
    page.evaluate("() => { window.__charts = [...document.querySelectorAll('.js-plotly-plot')]; }")
    start, before = page.evaluate("() => window.__nlab.ws.length"), chart_data(page, 0)
    move_slider(page, "Steps")
    page.wait_for_function("old => { const g = document.querySelector('.js-plotly-plot');"
                           " return g && JSON.stringify(g.data) !== old; }", arg=before, timeout=120_000)
    wait_for_app(page, charts=2, timeout=120_000)
    sent = _deltas(page, start)
    assert sent.count("delta") < FRAGMENT_DELTAS, sent
    assert "rr_steps=100" in page.url  # the setting lives in the link
    assert page.get_by_text("After 100 steps", exact=False).count() >= 1  # the sentences follow the tick
    # The same plot nodes with new data: updated in place, never a blank remounted panel.
    assert page.evaluate("() => window.__charts.every(g => document.body.contains(g))")
    assert page.get_by_role("heading", name="Why does batch norm help?").count() == 1  # the page kept its title
    assert exception_blocks(page) == []


# When the curves first carry the next notch's figure, and when the "no normalization" plane's map (an image layer)
# first changes from the coarse grid it shows first to the full one, in the page's ms, recorded every frame
# (a rerun leaves the old progress bar on the page until it ends: one look at the page cannot tell them apart).
WHEN = """at => { const w = window.__when = {};
  const map = () => { const p = document.querySelector("div.nl-live[data-key='rr_plane_no normalization']");
    return p && p.layout && p.layout.images && p.layout.images[0] ? p.layout.images[0].source : null; };
  const loop = () => { const now = performance.now(), m = map();
    if (!w.coarse && m) w.coarse = m;
    const c = document.querySelector("div.nl-live[data-key='rr_curves']");
    if (!w.next && c && c.aheadStore && c.aheadStore.specs.some(f => f.at === at)) w.next = now;
    if (!w.full && m && m !== w.coarse) w.full = now;
    if (!(w.next && w.full)) requestAnimationFrame(loop); };
  loop(); }"""


def test_the_next_notch_reaches_the_page_before_the_planes_full_grid(page, app_url):
    """Once the job that prepares the next notch of Steps is done, the Steps fragment reruns and the curves carry
    that notch's figure (a tick there is drawn before its round trip), while the plane's full grid, a job queued
    after it, still computes. Before, the figure came with the full grid's rerun (~4 s later here), after a student
    ticking every second or two had ticked again."""
    page.goto(f"{app_url}/")
    wait_for_app(page)
    page.set_viewport_size({"width": 1440, "height": 3600})  # the planes in view: a chart out of view is drawn later
    page.goto(f"{app_url}/why-bn?rr_steps=300")  # a notch no other test trains: its race, planes and jobs are new
    wait_for_app(page, charts=3, timeout=180_000)
    page.evaluate(WHEN, 350)
    page.wait_for_function("() => window.__when.next && window.__when.full", timeout=180_000)
    when = page.evaluate("() => window.__when")
    assert when["full"] - when["next"] > 500, (when["next"], when["full"])  # seconds apart, not one rerun
    assert exception_blocks(page) == []
