"""Optimizer page in AppTest: presets, widgets, bad input and links; never a traceback."""

import json

import pytest

from tests.apptest import open_page

PAGE = "views/optimizers/page.py"


def _ok(at):
    assert not at.exception, [e.value for e in at.exception]
    assert not [e.value for e in at.error if "could not recover" in e.value]


def _tab(name: str, **query):
    """The page opened by a link on one of its (lazily built) tabs."""
    page = open_page(PAGE, timeout=90, query={"otab": name, **query})
    _ok(page)
    return page


@pytest.fixture
def at():
    page = open_page(PAGE, timeout=90)
    _ok(page)
    return page


def test_closed_tabs_cost_nothing(at):
    assert len(at.get("plotly_chart")) == 2  # contour and losses; the other tabs are built when opened
    assert not at.latex and not [s for s in at.slider if s.key in ("k", "eq_k")]


def test_default_race_draws_the_seven(at):
    assert len(at.multiselect(key="opt").value) == 7
    assert len(at.get("plotly_chart")) >= 2


@pytest.mark.parametrize("preset, surface", [("beale", "beale"), ("long_valley", "long_valley"),
                                             ("saddle", "saddle"), ("goh", "quadratic")])
def test_presets(at, preset, surface):
    at.button(key=f"preset_{preset}").click().run()
    _ok(at)
    assert at.selectbox(key="surf").value == surface


def test_goh_preset_uses_the_optimal_momentum(at):
    at.button(key="preset_goh").click().run()
    assert at.slider(key="h2_momentum").value == pytest.approx(0.669, abs=1e-3)
    assert not at.warning  # neither plain GD at 2/(1+kappa) nor momentum diverges


@pytest.mark.parametrize("expr, message", [("__import__('os')", "refused"), ("3 + 4", "flat"), ("sin(", "refused"),
                                           ("exp(1000*x**2 + 1000)", "finite")])
def test_bad_custom_expressions_are_explained(at, expr, message):
    at.selectbox(key="surf").set_value("custom").run()
    at.text_input(key="expr").set_value(expr).run()
    _ok(at)
    assert any(message in e.value for e in at.error)


def test_huge_lr_reports_divergence(at):
    at.select_slider(key="lr_sgd").set_value(10.0).run()
    _ok(at)
    assert any("SGD: diverged at step" in w.value for w in at.warning)


def test_start_outside_the_box_is_clamped(at):
    at.number_input(key="x0").set_value(100.0).run()
    _ok(at)
    assert any("clamped" in w.value for w in at.warning)


@pytest.mark.parametrize("tab, toggle", [("Race", "race"), ("Sweep", "sweep_on")])
def test_sweep_and_race_on_request(tab, toggle):
    at = _tab(tab)
    before = len(at.get("plotly_chart"))
    at.toggle(key=toggle).set_value(True).run()
    _ok(at)
    assert len(at.get("plotly_chart")) == before + 1


def test_unknown_names_in_the_link_fall_back_with_a_notice():
    at = open_page(PAGE, timeout=90, query={"surf": "moon", "opt": "lbfgs", "steps": "1e9"})
    _ok(at)
    notices = " ".join(i.value for i in at.info)
    assert "Surface" in notices and "Optimizers" in notices and "Steps" in notices
    assert at.selectbox(key="surf").value == "beale"


def test_no_optimizer_selected(at):
    at.multiselect(key="opt").set_value([]).run()
    _ok(at)
    assert any("at least one optimizer" in i.value for i in at.info)


def _latex(at) -> list[str]:
    return [e.value for e in at.latex]


def test_plugged_equations_for_every_racer_and_the_inspected_one():
    plugged = [v for v in _latex(_tab("Equations")) if r"\theta_t &=" in v]
    assert len(plugged) == 7  # the Equations tab has all seven
    assert any(r"\hat m_t &=" in v for v in plugged)  # Adam's bias correction, with numbers
    inspected = [v for v in _latex(_tab("Step inspector")) if r"\theta_t &=" in v]
    assert len(inspected) == 1  # the inspector its one


def test_shared_lr_reaches_every_update_rule():
    at = _tab("Equations")
    at.radio(key="lrmode").set_value("shared").run()
    at.select_slider(key="lr_all").set_value(0.002).run()
    _ok(at)
    sgd = [v for v in _latex(at) if r"\theta_{t-1} - \gamma g_t" in v]
    assert sgd and r"- 0.002\," in sgd[0]
    assert sum(r"- 0.002\," in v for v in _latex(at)) >= 5  # SGD, momentum, Nesterov, RMSprop, Adam, ...


def test_fair_race_uses_each_best_lr_and_draws_the_sensitivity():
    at = _tab("Fair race")
    before = len(at.get("plotly_chart"))
    at.radio(key="lrmode").set_value("best").run()
    _ok(at)
    assert any("Best lr over 19 values" in c.value for c in at.caption)
    assert len(at.get("plotly_chart")) == before + 1
    assert any("illustration" in i.value for i in at.info)


def test_nesterov_inspector_shows_the_look_ahead():
    at = _tab("Step inspector")
    before = len(at.get("plotly_chart"))
    at.selectbox(key="inspect").set_value("Nesterov").run()
    _ok(at)
    assert len(at.get("plotly_chart")) == before + 1
    assert any("look-ahead point" in m.value for m in at.markdown)


def test_state_over_time_of_adagrad():
    at = _tab("State over time")
    at.selectbox(key="st_opt").set_value("Adagrad").run()
    at.toggle(key="st_logx").set_value(False).run()
    _ok(at)
    assert any(r"\sqrt{s_t}+\epsilon" in v for v in _latex(at))


def test_noise_draws_a_faint_bundle_per_optimizer(at):
    """Noise: the contour gets one faint bundle line and one end-dot trace per optimizer, reproducible by seed."""
    at.select_slider(key="nz_sigma").set_value(5.0).run()
    _ok(at)
    fig = at.get("plotly_chart")[0].proto.spec
    assert fig.count("(other seeds)") == 7
    at.number_input(key="nz_paths").set_value(3).run()
    _ok(at)
    again = at.get("plotly_chart")[0].proto.spec
    assert again != fig and again.count("(other seeds)") == 7


def test_noise_follows_the_seed(at):
    at.select_slider(key="nz_sigma").set_value(2.0).run()
    first = at.get("plotly_chart")[0].proto.spec
    at.number_input(key="seed").set_value(1).run()
    _ok(at)
    other = at.get("plotly_chart")[0].proto.spec
    at.number_input(key="seed").set_value(0).run()
    assert other != first and at.get("plotly_chart")[0].proto.spec == first


@pytest.mark.parametrize("name", ["step", "exponential", "cosine", "warmup_cosine", "inverse_sqrt", "cyclic"])
def test_every_schedule_draws_its_chart_and_changes_the_race(at, name):
    before = at.get("plotly_chart")
    at.selectbox(key="sch_name").set_value(name).run()
    _ok(at)
    after = at.get("plotly_chart")
    assert len(after) == len(before) + 1  # the small lr chart under the controls
    assert json.loads(after[0].proto.spec)["layout"]["yaxis"]["title"]["text"] == "lr ÷ lr₀"  # left column
    assert after[1].proto.spec != before[0].proto.spec


def test_cyclic_peak_drives_sgd_out(at):
    at.selectbox(key="sch_name").set_value("cyclic").run()
    at.select_slider(key="sch_peak").set_value(100.0).run()
    _ok(at)
    assert any("SGD: diverged at step" in w.value for w in at.warning)


@pytest.mark.parametrize("preset", ["long_valley", "saddle"])
def test_reconstructed_surfaces_say_so(at, preset):
    at.button(key=f"preset_{preset}").click().run()
    assert any("reconstruction of the classic animation" in c.value and "never published" in c.value
               for c in at.caption)
