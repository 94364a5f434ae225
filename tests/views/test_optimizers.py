"""Optimizer page in AppTest: presets, widgets, bad input and links; never a traceback."""

import json
import time

import pytest

from core.optim.presets import PRESETS
from tests.apptest import bidi, chart_specs, open_page

PAGE = "views/optimizers/page.py"


def _map(at) -> str:
    """The contour map's figure JSON: a live chart (views.ui.charts.live, updated in place) keyed "contour"."""
    (spec,) = [json.dumps(bidi(c)["spec"]) for c in at.get("bidi_component")
               if bidi(c).get("key") == "contour"]
    return spec


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
    assert len(chart_specs(at)) == 2  # contour and losses; the other tabs are built when opened
    assert not at.latex and not [s for s in at.slider if s.key in ("k", "eq_k")]


def test_default_race_draws_the_seven(at):
    assert len(at.button_group(key="opt").value) == 7
    assert len(chart_specs(at)) >= 2


def _preset(at, name: str):
    at.button_group(key="preset").set_value(name).run()
    _ok(at)
    return at


@pytest.mark.parametrize("preset, surface", [("beale", "beale"), ("long_valley", "long_valley"),
                                             ("saddle", "saddle"), ("goh", "quadratic")])
def test_presets_show_their_caption_while_the_view_is_their_run(at, preset, surface):
    _preset(at, preset)
    assert at.selectbox(key="surf").value == surface
    assert any(c.value == PRESETS[preset].caption for c in at.caption)
    assert at.button_group(key="preset").value == preset
    at.select_slider(key=f"lr_{PRESETS[preset].optimizers[0]}").set_value(1e-5).run()
    _ok(at)  # another lr: no longer the preset's run, so its caption (a claim about that run) goes
    assert not any(c.value == PRESETS[preset].caption for c in at.caption)
    assert at.button_group(key="preset").value is None


def test_goh_preset_uses_the_optimal_momentum_and_names_the_real_kappa(at):
    _preset(at, "goh")
    assert at.slider(key="h2_momentum").value == pytest.approx(0.670, abs=1e-9)  # rounded up
    assert not at.warning  # neither plain GD at 2/(1+kappa) nor momentum diverges
    assert at.selectbox(key="surf").value == "quadratic"
    shown = " ".join(str(o) for o in at.selectbox(key="surf").options)
    assert "kappa=10" not in shown  # the box's label named the registry's default quadratic, not the sliders'
    assert any("condition number kappa = 100" in c.value and "30 degrees" in c.value for c in at.caption)


def test_a_gallery_link_applies_the_preset_and_its_caption():
    at = open_page(PAGE, timeout=90, query={"example": "long_valley"})
    _ok(at)
    assert at.select_slider(key="lr_sgd").value == 0.18
    assert any(c.value == PRESETS["long_valley"].caption for c in at.caption)


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
    assert any("SGD: diverged at step" in w.value for w in [*at.warning, *at.caption])  # one line under the map


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
    for _ in range(60):  # a sweep longer than a page run is a background job: the page shows it when it is done
        if len(at.get("plotly_chart")) > before:
            break
        time.sleep(1)
        at.run()
    assert len(at.get("plotly_chart")) == before + 1


def test_unknown_names_in_the_link_fall_back_with_a_notice():
    at = open_page(PAGE, timeout=90, query={"surf": "moon", "opt": "lbfgs", "steps": "1e9"})
    _ok(at)
    notices = " ".join(i.value for i in at.info)
    assert "Surface" in notices and "Optimizers" in notices and "Steps" in notices
    assert at.selectbox(key="surf").value == "beale"


def test_no_optimizer_selected(at):
    at.button_group(key="opt").set_value([]).run()
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
    fig = _map(at)
    assert fig.count("(other seeds)") == 7
    at.number_input(key="nz_paths").set_value(3).run()
    _ok(at)
    again = _map(at)
    assert again != fig and again.count("(other seeds)") == 7


def test_noise_follows_the_seed(at):
    at.select_slider(key="nz_sigma").set_value(2.0).run()
    first = _map(at)
    at.number_input(key="seed").set_value(1).run()
    _ok(at)
    other = _map(at)
    at.number_input(key="seed").set_value(0).run()
    assert other != first and _map(at) == first


@pytest.mark.parametrize("name", ["step", "exponential", "cosine", "warmup_cosine", "inverse_sqrt", "cyclic"])
def test_every_schedule_draws_its_chart_and_changes_the_race(at, name):
    before, race = at.get("plotly_chart"), _map(at)
    at.selectbox(key="sch_name").set_value(name).run()
    _ok(at)
    after = at.get("plotly_chart")
    assert len(after) == len(before) + 1  # the small lr chart under the controls
    assert json.loads(after[0].proto.spec)["layout"]["yaxis"]["title"]["text"] == "lr ÷ lr₀"  # left column
    assert _map(at) != race


def test_cyclic_peak_drives_sgd_out(at):
    at.selectbox(key="sch_name").set_value("cyclic").run()
    at.select_slider(key="sch_peak").set_value(100.0).run()
    _ok(at)
    assert any("SGD: diverged at step" in w.value for w in [*at.warning, *at.caption])  # one line under the map


@pytest.mark.parametrize("preset", ["long_valley", "saddle"])
def test_reconstructed_surfaces_say_so(at, preset):
    _preset(at, preset)
    assert any("reconstruction of the classic animation" in c.value and "never published" in c.value
               for c in at.caption)


def test_links_asking_for_more_than_a_page_run_get_the_nearest_setting_that_fits(monkeypatch):
    """#15: 16 noisy paths of seven optimizers over 5000 steps, and their fair race, are cut to what fits."""
    from views.ui import budget

    monkeypatch.setattr(budget, "RUN_S", 0.3)  # the measured rate varies with the machine's load; the rule does not
    at = open_page(PAGE, timeout=120, query={"steps": "5000", "nz_sigma": "1", "nz_paths": "16",
                                             "lrmode": "each at its own best lr"})
    _ok(at)
    said = [c.value for c in at.caption if "one view may compute at a time" in c.value]
    assert any(s.startswith("16 noisy paths of 7 optimizers over ") and "the race draws" in s for s in said)
    assert any(s.startswith("Finding the best of 19 lrs") and "keeps each lr as set" in s for s in said)
    assert not any("Best lr over" in c.value for c in at.caption)  # the fair race did not run inline


def test_repeated_opt_keys_are_the_link_form_of_several_optimizers_not_a_conflict():
    # The browser writes a multi-choice control as one key per entry; that must select them all, silently.
    at = open_page(PAGE, timeout=90, query={"opt": ["SGD", "Adam"]})
    at.run()
    assert at.session_state["opt"] == ["sgd", "adam"]
    assert not [i.value for i in at.info if "times" in i.value]
