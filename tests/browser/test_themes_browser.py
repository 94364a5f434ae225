"""Light and dark themes: every page follows the viewer's system setting and every chart's text stays legible.

Legibility is measured, not eyeballed: each visible SVG text of each plotly chart is compared with what is
behind it (its button, its legend box, an opaque plot area, the chart's paper, or else the page) by the WCAG
contrast ratio. Besides every page's default view, the optimizer race (its Play/Pause buttons and step slider) and
the sweep are checked. And no chart keeps a white plot area or legend box on the dark page: frames and legends
follow the theme. Screenshots land in docs/<page>-<scheme>.png for README.
"""

from pathlib import Path

import pytest

from tests.browser.conftest import VIEWPORT, exception_blocks, wait_for_app
from views import HOME, PAGES

DOCS = Path(__file__).resolve().parents[2] / "docs"
pytestmark = pytest.mark.browser
MIN_CONTRAST = 3.0  # WCAG's minimum for large text; chart labels are 12-16 px and must at least reach it

# For each visible chart text: its fill and the colour behind it, resolved in the page (plotly draws legend
# boxes, plot areas and the paper as separate rects; transparent ones let the page background through).
TEXTS_AND_BACKGROUNDS = """
() => {
  const opaque = c => !!c && c !== 'none' && !/rgba\\(.*,\\s*0\\)$/.test(c) && c !== 'transparent';
  const appBg = getComputedStyle(document.querySelector('.stApp')).backgroundColor;
  const out = [];
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    const box = plot.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;  // in a hidden tab
    const svg = plot.querySelector('.main-svg');
    const paper = svg ? getComputedStyle(svg).backgroundColor : null;
    // plotly writes a transparent rect as fill rgb(0,0,0) with fill-opacity 0
    const fillOf = r => (r && parseFloat(r.style.fillOpacity || '1') > 0.5) ? r.style.fill : null;
    const areas = [...plot.querySelectorAll('.bglayer rect.bg')].map(r => [r.getBoundingClientRect(), fillOf(r)]);
    for (const t of plot.querySelectorAll('text')) {
      const r = t.getBoundingClientRect();
      if (!t.textContent.trim() || r.width === 0 || getComputedStyle(t).visibility === 'hidden') continue;
      const cx = r.x + r.width / 2, cy = r.y + r.height / 2;
      let bg = opaque(paper) ? paper : appBg;
      for (const [a, fill] of areas)
        if (opaque(fill) && cx >= a.left && cx <= a.right && cy >= a.top && cy <= a.bottom) bg = fill;
      const legend = t.closest('g.legend');
      const lbg = legend && legend.querySelector('rect.bg');
      if (opaque(fillOf(lbg))) bg = fillOf(lbg);
      const button = t.closest('g.updatemenu-button');  // the race's Play / Pause
      const bbg = button && button.querySelector('rect.updatemenu-item-rect');
      if (opaque(fillOf(bbg))) bg = fillOf(bbg);
      out.push([t.textContent.trim().slice(0, 40), getComputedStyle(t).fill, bg]);
    }
  }
  return out;
}
"""


# White boxes on the page: opaque plot areas and legend boxes (the frames and legends that ignored the dark theme).
WHITE_BOXES = """
() => [...document.querySelectorAll('.js-plotly-plot')].filter(p => p.getBoundingClientRect().width > 0)
  .flatMap(p => [...p.querySelectorAll('.bglayer rect.bg, g.legend rect.bg')])
  .filter(r => parseFloat(r.style.fillOpacity || '1') > 0.5 && /^rgb\\(255, 255, 255\\)$/.test(r.style.fill))
  .map(r => ((r.closest('[class*="st-key-"]') || {}).className || '?').match(/st-key-[\\w-]+|\\?/)[0])
"""
# (name, path): the default view of every page, then the race controls and the sweep.
VIEWS = [(p.url_path, "" if p is HOME else p.url_path) for p in [HOME, *PAGES]] + [
    ("optimizers-race", "optimizers?otab=Race&race=true"), ("optimizers-sweep", "optimizers?otab=Sweep&sweep_on=true")]
CHARTS = {p.url_path: p.charts for p in [HOME, *PAGES]}


def _rgb(css: str) -> tuple[float, float, float]:
    if css.startswith("#"):
        return tuple(int(css[i:i + 2], 16) / 255 for i in (1, 3, 5))
    parts = css[css.index("(") + 1:css.index(")")].split(",")
    return tuple(float(p) / 255 for p in parts[:3])


def contrast(fg: str, bg: str) -> float:
    """WCAG 2 contrast ratio of two CSS colours (rgb(), rgba() or #rrggbb), 1 to 21."""
    def lum(c):
        lin = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in _rgb(c)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((lum(fg), lum(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_helper_can_fail():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("rgb(40, 40, 40)", "rgb(14, 17, 23)") < MIN_CONTRAST


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("name", "path"), VIEWS, ids=[v[0] for v in VIEWS])
def test_page_is_legible_in_theme(browser, app_url, name, path, scheme):
    context = browser.new_context(viewport=VIEWPORT, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(f"{app_url}/{path}")  # home is the default page, at /
        charts = CHARTS.get(name, 1)
        wait_for_app(page, charts=charts)
        assert exception_blocks(page) == []
        bg = page.evaluate("() => getComputedStyle(document.querySelector('.stApp')).backgroundColor")
        assert (contrast(bg, "#000000") > 10) == (scheme == "light"), f"{scheme} theme not applied: {bg}"
        page.screenshot(path=str(DOCS / f"{name}-{scheme}.png"))
        texts = page.evaluate(TEXTS_AND_BACKGROUNDS)
        assert texts or not charts, "no chart text found"
        faint = sorted({f"{t!r} {fg} on {b} ({contrast(fg, b):.1f})" for t, fg, b in texts
                        if contrast(fg, b) < MIN_CONTRAST})
        assert not faint, f"illegible chart text in {scheme}: " + "; ".join(faint[:12])
        if scheme == "dark":
            assert page.evaluate(WHITE_BOXES) == [], "white plot areas or legend boxes on the dark page"
    finally:
        context.close()
