"""Lazy URL-bound tabs (ui.tabs): a closed tab's settings are neither reported as unknown nor lost."""

from tests.apptest import chart_specs, open_page

PAGE = "views/optimizers/page.py"


def _notices(at) -> str:
    return " ".join(i.value for i in at.info)


def test_switching_away_keeps_the_closed_tabs_settings_quietly():
    at = open_page(PAGE, 90, query={"otab": "Step inspector"})
    at.slider(key="k").set_value(5).run()
    at.session_state["otab"] = "Paths"
    at.run()
    assert not at.exception and "Unknown link parameter" not in _notices(at)
    assert len(chart_specs(at)) == 2  # the Paths tab only
    at.session_state["otab"] = "Step inspector"
    at.run()
    assert at.slider(key="k").value == 5


def test_a_link_opens_its_tab_and_a_bad_tab_name_falls_back():
    at = open_page(PAGE, 90, query={"otab": "Equations", "eq_k": "3"})
    assert at.slider(key="eq_k").value == 3
    at = open_page(PAGE, 90, query={"otab": "Nope"})
    assert not at.exception and "tab" in _notices(at)
    assert len(chart_specs(at)) == 2  # back on the first tab
