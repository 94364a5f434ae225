"""Real Chromium: the dropout, ensemble and gradient-check tabs of Training dynamics draw, react, and are
photographed for the docs."""

from pathlib import Path

import pytest

from tests.browser.conftest import exception_blocks, move_slider, wait_for_app

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _chart_with(page, words: str) -> str | None:
    """JSON of the data of the first plotly chart whose layout mentions ``words``."""
    return page.evaluate(
        "w => { for (const g of document.querySelectorAll('.js-plotly-plot'))"
        " if (JSON.stringify(g.layout).includes(w)) return JSON.stringify(g.data); return null; }", words)


def _tab(page, name: str, shot: str, words: str) -> None:
    """Open a tab (its body is built on opening: a rerun) and wait for the chart whose layout mentions words."""
    page.get_by_role("tab", name=name).click()
    page.wait_for_function(
        "w => [...document.querySelectorAll('.js-plotly-plot')].some(g => JSON.stringify(g.layout).includes(w))",
        arg=words, timeout=240_000)
    wait_for_app(page, timeout=240_000)
    assert exception_blocks(page) == []
    page.screenshot(path=str(DOCS / shot), full_page=True)


@pytest.mark.browser
def test_regularization_tabs(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 2000})
    page.goto(f"{app_url}/dynamics")
    wait_for_app(page, charts=3, timeout=240_000)
    # The curves may train as a background job (a busy machine): wait for them, the mask demo is drawn first.
    _tab(page, "Dropout & early stopping", "dynamics_dropout.png", "validation loss")
    mask = _chart_with(page, "activations and the mask")
    assert mask and _chart_with(page, "validation loss")
    move_slider(page, "Dropout p (probability of dropping)", presses=2)  # 0.5 -> 0.7: fewer units kept
    page.wait_for_function(
        "old => { for (const g of document.querySelectorAll('.js-plotly-plot'))"
        " if (JSON.stringify(g.layout).includes('activations and the mask')) return JSON.stringify(g.data) !== old;"
        " return false; }", arg=mask, timeout=120_000)
    wait_for_app(page, charts=3, timeout=240_000)
    assert "p = 0.7" in page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot')]"
                                      ".map(g => JSON.stringify(g.layout)).join(' ')")

    _tab(page, "Ensembles", "dynamics_ensembles.png", "averaging the first k members")
    assert page.get_by_text("Gain vs the best single net").count() >= 1
    assert "ensemble" in (_chart_with(page, "averaging the first k members") or "")

    _tab(page, "Gradient check", "dynamics_gradcheck.png", "Relative error vs step h")
    assert page.get_by_text("torch.autograd.gradcheck on the same layers: passes").count() >= 1
    assert _chart_with(page, "Relative error vs step h")
    assert exception_blocks(page) == []
