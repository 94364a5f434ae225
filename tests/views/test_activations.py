"""AppTest of the activations & inputs page: defaults, each control once, numbers vs core, bad input, links."""

import json

import numpy as np
import pytest

from core.activation_stats import dead_relu_fraction, expected_abs_slope, gaussian_mass, saturation_intervals
from core.activations import ACTIVATIONS_1D
from tests.apptest import bidi, loader, open_page
from views.activations.explorer import ZERO_SLOPE

PAGE = "views/activations/page.py"


def _w(at, kind, key):
    return next(w for w in getattr(at, kind) if w.key == key)


def _charts(at) -> dict[str, dict]:
    """key -> figure of every chart shown: plotly charts and live charts (the empty plotly.js loader left out)."""
    out = {c.key: json.loads(c.proto.spec) for c in at.get("plotly_chart")}
    out |= {e.key: d["spec"] for e in at.get("bidi_component") if "spec" in (d := bidi(e))}
    return {k: v for k, v in out.items() if not loader(v)}


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture(scope="module")
def default():
    return open_page(PAGE, timeout=60)


CLOUD, DIGITS = {"atab": "Input preprocessing (2-D)"}, {"atab": "Digits whitening"}
TAB_OF = {"pre_rho": CLOUD, "pre_n": CLOUD, "pre_units": CLOUD, "pre_init": CLOUD, "pre_eps": CLOUD,
          "pre_deps": DIGITS}
CHARTS = {"": 3, "Input preprocessing (2-D)": 2, "Digits whitening": 4}  # each tab's charts; closed tabs draw none


def test_default_view_draws_the_explorer_and_relu_numbers(default):
    at = default
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert list(_charts(at)) == ["act_explorer", "act_push", "act_depth_chart"]  # other tabs are built when opened
    m = _metrics(at)
    assert m["max |f′|"] == "1" and m["dead ReLUs: Φ(−μ/σ)"] == "50.0%"
    assert m["inputs in the saturated region"] == "50.0%"
    assert any("max(0, x)" in lt.value for lt in at.latex)


def test_preprocessing_tabs_from_a_link():
    at = open_page(PAGE, timeout=60, query=CLOUD)
    assert not at.exception and not at.error
    assert len(_charts(at)) == 2  # scatter panels, cut counts
    assert len(at.table) == 1 and list(at.table[0].value["preprocessing"])[0] == "Raw"
    at = open_page(PAGE, timeout=60, query=DIGITS)
    assert not at.exception and not at.error and len(_charts(at)) == 4  # mosaic, spectrum, cov, shares


def test_sigmoid_numbers_are_the_core_closed_forms():
    at = open_page(PAGE, timeout=60, query={"act_fn": "Sigmoid", "act_mu": "1.5", "act_sd": "2.0",
                                            "act_thr": "0.2"})
    assert not at.exception and not at.error
    m = _metrics(at)
    assert m["max |f′|"] == "0.25"
    want = gaussian_mass(saturation_intervals("sigmoid", 0.2), 1.5, 2.0)
    assert m["inputs in the saturated region"] == f"{want:.1%}"
    # A sigmoid unit never has zero slope: no "dead ReLUs" share, the mean slope a gradient meets instead.
    assert not any("dead" in label for label in m)
    assert m["mean slope E|f′(z)|"] == f"{expected_abs_slope('sigmoid', 1.5, 2.0):.3g}"


@pytest.mark.parametrize("name", list(ACTIVATIONS_1D))
def test_only_activations_with_a_zero_slope_region_report_dead_units(name):
    """The claim behind ZERO_SLOPE: the dead share is shown exactly for activations whose slope is 0 on a region."""
    x = np.linspace(-6.0, 6.0, 12_001)  # f' of the smooth ones is far from underflow here
    zero_share = float(np.mean(ACTIVATIONS_1D[name].df(x) == 0.0))
    assert (zero_share > 0.4) == (name in ZERO_SLOPE), zero_share


def test_moving_the_mean_changes_the_dead_fraction_and_the_first_chart():
    at = open_page(PAGE, timeout=60)
    before = _charts(at)["act_explorer"]["data"]
    _w(at, "slider", "act_mu").set_value(-2.0).run()
    assert not at.exception and not at.error
    assert _metrics(at)["dead ReLUs: Φ(−μ/σ)"] == f"{dead_relu_fraction(-2.0, 1.0):.1%}"  # 97.7%
    assert _charts(at)["act_explorer"]["data"] != before


@pytest.mark.parametrize(("kind", "key", "value"), [
    ("selectbox", "act_fn", "gelu"), ("selectbox", "act_fn", "maxout"), ("slider", "act_sd", 4.0),
    ("select_slider", "act_thr", 0.5), ("slider", "act_depth", 60), ("slider", "pre_rho", 0.0),
    ("slider", "pre_n", 2000), ("slider", "pre_units", 100), ("radio", "pre_init", "torch"),
    ("select_slider", "pre_eps", 0.1), ("select_slider", "pre_deps", 1.0),
])
def test_each_control_changes_without_error(kind, key, value):
    query = TAB_OF.get(key, {})
    at = open_page(PAGE, timeout=60, query=query)
    _w(at, kind, key).set_value(value).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert _w(at, kind, key).value == value
    assert len(_charts(at)) == CHARTS[query.get("atab", "")]


def test_digits_eps_zero_is_a_sentence_not_a_crash():
    at = open_page(PAGE, timeout=60, query=DIGITS)
    _w(at, "select_slider", "pre_deps").set_value(0.0).run()
    assert not at.exception
    assert any("zero variance" in e.value and "eps > 0" in e.value for e in at.error)
    assert len(_charts(at)) < 4  # a sentence instead of the pictures


def test_2d_eps_zero_whitens_exactly(monkeypatch):
    from views.ui import charts

    drawn, table_of = [], charts.table
    monkeypatch.setattr(charts, "table", lambda rows, **kw: (drawn.append(rows), table_of(rows, **kw))[1])
    at = open_page(PAGE, timeout=60, query=CLOUD)
    _w(at, "select_slider", "pre_eps").set_value(0.0).run()
    exact = {r["preprocessing"]: r for r in drawn[-1]}  # the numbers the table was given
    table = at.table[0].value.set_index("preprocessing")
    for row in ("PCA-whitened", "ZCA-whitened"):
        assert exact[row]["var x₁"] == pytest.approx(1, abs=1e-10)
        assert exact[row]["cov"] == pytest.approx(0, abs=1e-10)
        assert table.loc[row, "var x₁"] == "1.0000" and table.loc[row, "cov"] == "0.0000"  # as shown
    assert exact["Z-scored"]["cov"] > 0.8 and float(table.loc["Z-scored", "cov"]) > 0.8  # z-scoring keeps it


def test_same_seed_same_numbers_other_seed_other_samples():
    def sampled(at):  # the Gaussian sample's output moments and the 2-D cloud's covariances depend on the seed
        return _metrics(at[0])["output mean ± std"], at[1].table[0].value.to_dict()

    def exact(at):  # f, f' and the Gaussian CDF are not random
        m = _metrics(at[0])
        return m["max |f′|"], m["inputs in the saturated region"]

    def both(**q):  # the explorer tab and the 2-D preprocessing tab under the same link
        return open_page(PAGE, timeout=60, query=q), open_page(PAGE, timeout=60, query={**q, **CLOUD})

    a, b, c = both(), both(), both(seed="5")
    assert sampled(a) == sampled(b) and exact(a) == exact(b)
    assert sampled(a)[0] != sampled(c)[0] and sampled(a)[1] != sampled(c)[1]
    assert exact(a) == exact(c)


def test_centring_cuts_more_than_raw_in_the_default_cloud():
    text = " ".join(md.value for md in open_page(PAGE, timeout=60, query=CLOUD).markdown)
    assert "Raw: **4 of 20** units cut the data; centred: **20**" in text


def test_bad_link_values_fall_back_with_a_notice():
    at = open_page(PAGE, timeout=60, query={"act_mu": "99", "act_fn": "swish9"})
    assert not at.exception and not at.error
    notices = " ".join(i.value for i in at.info)
    assert "Pre-activation mean" in notices and "Activation" in notices
    assert _metrics(at)["dead ReLUs: Φ(−μ/σ)"] == "50.0%"
    at = open_page(PAGE, timeout=60, query={"pre_deps": "banana", **DIGITS})  # a link carries its open tab
    assert not at.exception and "eps (digits)" in " ".join(i.value for i in at.info)


def test_gallery_link_and_preset_button_apply_their_settings():
    at = open_page(PAGE, timeout=60, query={"example": "dead_relus"})
    assert not at.exception and not at.error
    assert _metrics(at)["dead ReLUs: Φ(−μ/σ)"] == f"{dead_relu_fraction(-1.5, 1.0):.1%}"  # 93.3%
    at = open_page(PAGE, timeout=60)
    next(b for b in at.button if b.key == "act_preset_sigmoid_depth").click().run()
    assert _w(at, "selectbox", "act_fn").value == "sigmoid" and _w(at, "slider", "act_depth").value == 30
    assert _metrics(at)["max |f′|"] == "0.25"
