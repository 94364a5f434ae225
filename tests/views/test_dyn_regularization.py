"""AppTest of the regularization tabs of the training-dynamics page: dropout, ensembles, gradient check."""

import pytest

from tests.apptest import open_page, settle

PAGE = "views/dynamics/page.py"


def _open(**query):
    return open_page(PAGE, timeout=240, query=query)


def _texts(elements) -> str:
    return " ".join(e.value for e in elements)


def _tab(name: str):
    return settle(_open(dtab=name))  # a loaded machine may train the members as a background job


@pytest.fixture(scope="module")
def dropout():
    return _tab("Dropout & early stopping")


@pytest.fixture(scope="module")
def ensemble():
    return _tab("Ensembles")


@pytest.fixture(scope="module")
def at():
    return _tab("Gradient check")


def test_each_tab_works_when_opened(dropout, ensemble, at):
    for tab in (dropout, ensemble, at):
        assert not tab.exception and "could not recover" not in _texts(tab.error)
    assert "fine" in _texts(at.success) and "passes" in _texts(at.success)  # the correct backward
    metrics = {m.label: m.value for m in ensemble.metric}
    assert metrics["Ensemble accuracy"].endswith("%")
    assert metrics["Gain vs the mean single net"].startswith("+")  # averaging beats the typical member
    assert len(dropout.get("plotly_chart")) >= 2 and len(ensemble.get("plotly_chart")) >= 1
    assert len(at.get("plotly_chart")) >= 2


def test_planted_bug_is_caught_and_torch_agrees(at):
    at.selectbox(key="gc_bug").set_value("tanh_square").run()
    assert "wrong" in _texts(at.error) and "fails" in _texts(at.error)
    at.selectbox(key="gc_bug").set_value("none").run()
    at.select_slider(key="gc_h").set_value(1e-12).run()  # round-off swamps the difference
    assert "wrong" in _texts(at.error) and "passes" in _texts(at.error)
    at.select_slider(key="gc_h").set_value(1e-5).run()
    assert not at.exception and "fine" in _texts(at.success)


def test_dropout_controls(dropout):
    at = dropout
    at.select_slider(key="do_p").set_value(0.2).run()
    at.number_input(key="do_mask").set_value(3).run()
    at.slider(key="do_pat").set_value(3).run()
    assert not at.exception and not at.error
    at.select_slider(key="do_p").set_value(0.0).run()
    assert "same network" in _texts(at.info)


def test_ensemble_size_changes_the_metrics(ensemble):
    at = ensemble
    before = {m.label: m.value for m in at.metric}
    at.slider(key="ens_k").set_value(2).run()
    settle(at)
    after = {m.label: m.value for m in at.metric}
    assert not at.exception and after != before


@pytest.mark.parametrize("query, words", [
    ({"ens_k": "40", "dtab": "Ensembles"}, "Members K"),
    ({"gc_h": "0.5", "dtab": "Gradient check"}, "Step h"),
    ({"do_p": "1.5", "dtab": "Dropout & early stopping"}, "Dropout p"),
])
def test_bad_link_values_are_explained(query, words):
    at = _open(**query)
    assert not at.exception and words in _texts(at.info)
