"""AppTest of the training-dynamics page's first two tabs: descent variants and learning-rate reading."""

import json

import pytest

from tests.apptest import bidi, open_page

PAGE = "views/dynamics/page.py"


def _open(**query):
    return open_page(PAGE, timeout=180, query=query)


def _chart_titles(at) -> str:
    """The figures of every chart shown, plotly charts and live charts, as one text."""
    return " ".join([c.proto.spec for c in at.get("plotly_chart")] +
                    [json.dumps(d["spec"]) for e in at.get("bidi_component")
                     if "spec" in (d := bidi(e))])


def _texts(items) -> str:
    return " ".join(i.value for i in items)


LR_TAB = {"dtab": "Learning rate"}


def test_default_view_draws_the_descent_tab_only():
    at = _open()
    assert not at.exception and not at.error
    titles = _chart_titles(at)
    for words in ("least-squares minimum", "Full-data loss above the minimum"):
        assert words in titles, words
    assert "Learning-rate range test" not in titles  # the closed tabs cost nothing


def test_learning_rate_tab_from_a_link():
    at = _open(**LR_TAB)
    assert not at.exception and not at.error
    titles = _chart_titles(at)
    for words in ("Loss vs step at each learning rate", "Learning-rate range test"):
        assert words in titles, words
    assert "very high (lr 10): diverged at step" in _texts(at.warning)  # SGD's very high lr blows up
    assert "Suggested lr (**steepest**" in _texts(at.markdown)


def test_main_controls_change_the_run():
    at = _open()
    before = _chart_titles(at)
    at.slider(key="gd_steps").set_value(300).run()
    at.selectbox(key="gd_opt").set_value("adam").run()
    at.radio(key="gd_budget").set_value("epochs").run()
    assert not at.exception and not at.error
    assert "epoch (passes over the data)" in _chart_titles(at) and _chart_titles(at) != before
    at.slider(key="gd_epochs").set_value(2).run()
    at = _open(**LR_TAB)
    at.selectbox(key="lr_opt").set_value("adam").run()
    at.radio(key="lr_rule").set_value("min/10").run()
    assert not at.exception and not at.error
    assert "Suggested lr (**min/10**" in _texts(at.markdown)


def test_suggestion_button_sets_your_lr():
    at = _open(**LR_TAB)
    assert at.select_slider(key="lr_mine").value == 0.05
    next(b for b in at.button if b.key == "lr_use").click().run()
    assert at.select_slider(key="lr_mine").value == 0.5  # SGD's steepest point, 0.4, snapped to the 1-2-5 grid
    assert not at.exception


@pytest.mark.parametrize("query, words", [
    ({"gd_b": "500"}, "cannot hold more examples than the data set has"),
    ({"lr_bs": "5000", **LR_TAB}, "training examples"),
    ({"gd_budget": "epochs", "gd_epochs": "100", "gd_n": "500"}, "the limit is 20000"),
])
def test_bad_settings_are_explained(query, words):
    at = _open(**query)
    assert not at.exception
    assert words in _texts(at.error), _texts(at.error)


def test_too_large_lr_diverges_with_the_standard_wording():
    at = _open(gd_lr="2")
    assert not at.exception
    warnings = _texts(at.warning)
    assert "Full batch (GD): diverged at step" in warnings and "Lower the learning rate" in warnings
    assert "least-squares minimum" in _chart_titles(at)


def test_bad_link_value_falls_back_with_a_notice():
    at = _open(gd_n="9999")
    assert not at.exception
    assert at.slider(key="gd_n").value == 100 and "Data points n" in _texts(at.info)
    at = _open(lr_mine="banana", **LR_TAB)
    assert at.select_slider(key="lr_mine").value == 0.05 and "Your learning rate" in _texts(at.info)
