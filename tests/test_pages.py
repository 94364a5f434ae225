"""AppTest: the entry point and every registered page run with default settings, no exception, charts present."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import chart_specs, settle
from tests.apptest import open_page as _run
from views import HOME, PAGES
from views.home.gallery import GALLERY


def _charts(at: AppTest) -> int:
    return len(chart_specs(at))


def test_home_runs_and_links_every_page():
    at = _run(HOME.script, 30)
    assert not at.exception
    assert at.title[0].value == "normlab"
    links = [link.proto for link in at.get("page_link")]
    pages = {p.url_path for p in PAGES}
    assert len(links) == len(PAGES) + len([e for e in GALLERY if e.page in pages])  # a card per view and example
    for spec in PAGES:
        assert any(link.page == spec.url_path and not link.query_string for link in links), spec.title


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_page_default_view(spec):
    at = settle(_run(spec.script, 120 if spec.torch else 30))  # a loaded machine may move work to a job
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert _charts(at) >= spec.charts


def test_unknown_link_parameter_is_reported_not_fatal():
    at = _run(query={"bogus": "1", "seed": "not-a-number"})
    assert not at.exception
    notices = " ".join(i.value for i in at.info)
    assert "bogus" in notices and "Seed" in notices
