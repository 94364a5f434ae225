"""AppTest of the normalization page's Keras tab: the paper, torch and the Keras port side by side, the sentences
the numbers give, and its settings through a link."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from core.keras_claims import differences
from core.keras_compare import compare, feature_batches
from tests.apptest import bidi, open_page

PAGE = "views/normalization/page.py"
TAB = {"ntab": "Keras modes"}
LINK = {**TAB, "kr_k": "1", "kr_mom": "0.5", "kr_eps": "1e-02", "kr_gamma": "true", "src": "synthetic", "C": "6"}


def _markdown(at) -> str:
    return " ".join(str(e.value) for e in at.markdown)


def _share(at) -> dict[str, list[str]]:
    link = next(d["share"] for d in (bidi(e) for e in at.get("bidi_component")) if "share" in d)
    return parse_qs(urlsplit(link).query, keep_blank_values=True)


def _chart(at, key: str) -> dict:
    return json.loads(next(c for c in at.get("plotly_chart") if c.proto.id and key in c.proto.id).proto.spec)


@pytest.fixture(scope="module")
def default():
    return open_page(PAGE, timeout=90, query=TAB)


@pytest.fixture(scope="module")
def linked():
    return open_page(PAGE, timeout=90, query=LINK)


def test_tab_shows_cubes_chart_table_and_the_computed_sentences(default):
    at = default
    assert not at.exception and not at.error and not at.warning
    keys = [c.proto.id for c in at.get("plotly_chart")]
    assert any("keras_cube" in k for k in keys) and any("keras_compare" in k for k in keys)
    spec = _chart(at, "keras_compare")
    names = {t["name"] for t in spec["data"]}
    assert names == {"paper", "torch", "Keras mode 0", "Keras mode 1"} and len(spec["data"]) == 16
    table = at.dataframe[-1].value
    assert table.shape == (16, 17) and list(table["feature"]) == list(range(16))
    assert list(table.columns[1:5]) == ["Algorithm 1 mean", "Algorithm 1 std", "torch train mean", "torch train std"]
    # The sentences are the ones the numbers of this very view give (digits, N = 8, C = 16, k = 10, seed 0).
    cmp = compare(*feature_batches("digits", 10, 8, 16, 0), momentum=0.9, eps=1e-5, keras_eps=1e-6, seed=0)
    text = _markdown(at)
    for claim in differences(cmp):
        assert claim.text in text
    assert abs(table["Keras mode 0 train mean"].abs().max() - round(abs(cmp.output("Keras mode 0", "train").mean())
                                                                  .max(), 4)) < 1e-12
    assert table["Algorithm 1 mean"].abs().max() == 0.0


def test_settings_come_from_the_link_and_go_back_into_it(linked):
    at = linked
    assert not at.exception and not at.error and not at.info
    assert at.slider(key="kr_k").value == 1 and at.slider(key="kr_mom").value == 0.5
    assert at.select_slider(key="kr_eps").value == 1e-2 and at.toggle(key="kr_gamma").value is True
    title = _chart(at, "keras_compare")["layout"]["title"]["text"]
    assert "after k = 1 training batch (with each layer's initial γ, β)" in title
    text = _markdown(at)
    assert "training batch k = 1 is normalized with the initial running mean 0 and std 1" in text
    assert "Its output is not zero-mean per feature" in text and "Algorithm 1's is (" in text
    assert "eps = 0.01 goes under the root" in text
    assert at.dataframe[-1].value.shape == (6, 17)
    link = _share(at)
    assert {k: link.get(k) for k in LINK} == {k: [v] for k, v in LINK.items()}


def test_a_slider_move_reaches_the_sentences_and_the_link(linked):
    at = linked
    at.slider(key="kr_k").set_value(3).run()
    assert not at.exception
    assert "left by the 2 batches before it" in _markdown(at) and _share(at)["kr_k"] == ["3"]


def test_a_batch_of_one_and_a_bad_link_value_are_explained():
    at = open_page(PAGE, timeout=90, query={**TAB, "N": "1", "kr_mom": "2"})
    assert not at.exception
    assert any("N >= 2" in w.value for w in at.warning)
    assert any("Keras momentum" in i.value for i in at.info)  # the link's momentum 2 falls back with a notice
    assert at.slider(key="kr_mom").value == 0.9
