"""AppTest of the normalization page: defaults, each main control once, bad input and link values."""

import pytest

from tests.apptest import bidi, chart_specs, open_page

PAGE = "views/normalization/page.py"


def _w(at, kind, key):
    return next(w for w in getattr(at, kind) if w.key == key)


def _texts(at, kind="markdown"):
    return " ".join(str(e.value) for e in getattr(at, kind))


@pytest.fixture(scope="module")
def default():
    return open_page(PAGE, timeout=60)


def test_default_view_draws_cube_and_statistics(default):
    at = default
    assert not at.exception and not at.error
    assert len(chart_specs(at)) == 4  # cube, maps, stats, histograms: the other tabs are built when opened
    counts = at.table[1].value
    assert list(counts["(mean, var) pairs"]) == ["C = 16", "N = 8", "N·C = 128", "N·G = 32"]
    assert list(counts["γ / β shape"]) == ["(16,)", "(16, 8, 8)", "(16,)", "(16,)"]
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["LN = GN(G=1)"]) < 1e-12 and float(metrics["IN = GN(G=C=16)"]) < 1e-12


@pytest.mark.parametrize(("tab", "charts"), [("Sequences: LayerNorm vs RMSNorm", 2), ("BatchNorm step by step", 0),
                                             ("Train vs eval", 1), ("Keras modes", 1)])
def test_each_tab_renders_when_opened_from_a_link(tab, charts):
    at = open_page(PAGE, timeout=60, query={"ntab": tab})
    assert not at.exception and not at.error
    assert len(chart_specs(at)) >= charts
    assert "cube" not in [c.key for c in at.get("plotly_chart") + at.get("bidi_component")]  # closed: costs nothing
    if tab == "BatchNorm step by step":
        metrics = {m.label: m.value for m in at.metric}
        assert all(float(metrics[f"max |{k} − autograd|"]) < 1e-10 for k in ("dx", "dgamma", "dbeta"))


def test_cell_table_matches_the_chosen_cell(default):
    rows = default.table[0].value
    assert list(rows["values in its set"]) == [str(n) for n in (8 * 64, 16 * 64, 64, 4 * 64)]
    assert rows["x"].nunique() == 1  # the same value, four different normalizations
    assert rows["y (normalized)"].nunique() == 4


TAB_OF = {"L": "Sequences: LayerNorm vs RMSNorm", "T": "Train vs eval", "feat": "Train vs eval",
          "mom": "Train vs eval", "alg_c": "BatchNorm step by step"}


@pytest.mark.parametrize(("kind", "key", "value"), [
    ("slider", "N", 3), ("slider", "H", 5), ("slider", "W", 2), ("slider", "cn", 5), ("slider", "cc", 15),
    ("radio", "src", "synthetic"), ("select_slider", "G", 16), ("slider", "L", 20), ("slider", "T", 10),
    ("toggle", "feat", True), ("radio", "alg_c", 2), ("select_slider", "mom", 0.5), ("slider", "hc", 7),
])
def test_each_main_control_changes_without_error(kind, key, value):
    at = open_page(PAGE, timeout=60, query={"ntab": TAB_OF.get(key, "The cube")})
    _w(at, kind, key).set_value(value).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert _w(at, kind, key).value == value


def test_g_is_offered_only_as_divisors_of_c_and_follows_c():
    at = open_page(PAGE, timeout=60)
    _w(at, "slider", "C").set_value(12).run()
    g = _w(at, "select_slider", "G")
    assert list(g.options) == ["1", "2", "3", "4", "6", "12"] and g.value == 4
    _w(at, "slider", "C").set_value(7).run()
    g = _w(at, "select_slider", "G")
    assert list(g.options) == ["1", "7"] and g.value in (1, 7)
    assert not at.exception and not at.error


def test_sizes_at_the_bounds_say_so_and_still_draw():
    at = open_page(PAGE, timeout=60, query={"N": "16", "C": "64", "H": "16", "W": "16"})
    assert not at.exception and not at.error
    assert "the largest the cube draws" in _texts(at, "caption")
    assert len(chart_specs(at)) >= 4


@pytest.mark.parametrize("eps", [0.0, -1e-5])
def test_bad_eps_is_explained_not_fatal(eps):
    at = open_page(PAGE, timeout=60)
    _w(at, "number_input", "eps").set_value(eps).run()
    assert not at.exception
    assert any("eps must be a small positive number" in e.value for e in at.error)


def test_a_group_count_that_does_not_divide_c_in_the_link_falls_back_with_a_notice():
    at = open_page(PAGE, timeout=60, query={"G": "3"})
    assert not at.exception and not at.error
    assert "G (groups)" in _texts(at, "info")


def test_batch_of_one_feature_vector_is_explained():
    at = open_page(PAGE, timeout=60, query={"ntab": "Train vs eval"})
    assert any("Expected more than 1 value per channel" in w.value for w in at.warning)


def test_a_tensor_with_a_single_channel_and_position_still_works():
    at = open_page(PAGE, timeout=60, query={"C": "1", "H": "1", "W": "1", "N": "1"})
    assert not at.exception and not at.error


def _cube_labels(at) -> dict[str, int]:
    """Font size of each text on the cube chart, keyed by its first line."""

    spec = bidi(next(c for c in at.get("bidi_component") if c.key == "cube"))["spec"]
    labels = next(t for t in spec["data"] if t.get("name") == "labels")
    return {t.split("<br>")[0]: s for t, s in zip(labels["text"], labels["textfont"]["size"], strict=True)}


def test_draw_large_from_a_link_puts_that_method_large_and_the_others_small():
    at = open_page(PAGE, timeout=60, query={"big": "InstanceNorm"})
    assert not at.exception and not at.error
    sizes = _cube_labels(at)
    assert sizes["InstanceNorm"] > max(sizes[k] for k in ("BatchNorm", "LayerNorm", "GroupNorm (G = 4)"))
    default = _cube_labels(open_page(PAGE, timeout=60))
    assert len({default[k] for k in ("BatchNorm", "LayerNorm", "InstanceNorm", "GroupNorm (G = 4)")}) == 1


def test_an_unknown_method_to_draw_large_falls_back_with_a_notice():
    at = open_page(PAGE, timeout=60, query={"big": "[x](https://ev.il)"})
    assert not at.exception and not at.error
    assert "Draw large" in _texts(at, "info")
    assert _w(at, "selectbox", "big").value == "side by side"


@pytest.mark.parametrize("customdata", [[0, 9, 5, -1], {"0": 0, "1": 9, "2": 5, "3": -1}])
def test_a_click_on_the_cube_moves_the_cell_sliders_and_keeps_what_it_does_not_pick(monkeypatch, customdata):
    import streamlit as st

    from views.normalization import controls

    state = {"cn": 3, "cc": 1, "ch": 0, "cw": 4, "cube": {"click": {"x": 1.0, "y": 2.0, "curve": 14, "at": 1,
                                                                     "customdata": customdata}}}
    monkeypatch.setattr(st, "session_state", state)
    controls.picked()  # the chart's on_click (a typed-array customdata could arrive as {"0": .., "1": ..})
    assert [state[k] for k in ("cn", "cc", "ch", "cw")] == [0, 9, 5, 4]
