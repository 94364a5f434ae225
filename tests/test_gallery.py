"""Home gallery links (``?example=<name>``): each applies its page's preset and leaves the URL; bad names notice."""

import pytest

from tests.apptest import chart_specs, open_page, settle
from views import PAGES
from views.home.gallery import GALLERY

BY_PATH = {p.url_path: p for p in PAGES}
EXAMPLES = [e for e in GALLERY if e.page in BY_PATH]


def _first_chart(at) -> str:
    return chart_specs(at)[0]


def test_every_example_belongs_to_a_page_and_has_a_line():
    assert EXAMPLES, "the gallery is empty"
    for ex in GALLERY:
        assert ex.page in BY_PATH, ex
        assert ex.title and ex.line.endswith("."), ex


@pytest.mark.parametrize("ex", EXAMPLES, ids=[f"{e.page}-{e.name}" for e in EXAMPLES])
def test_example_link_applies_the_preset(ex):
    spec = BY_PATH[ex.page]
    timeout = 120 if spec.torch else 60
    default = _first_chart(open_page(spec.script, timeout))
    # A card that starts an experiment (a background job) shows its chart once the job is done, as in a browser.
    at = settle(open_page(spec.script, timeout, query={"example": ex.name}))
    assert not at.exception and not at.error
    assert "example" not in at.query_params
    assert not [i for i in at.info if "presets" in i.value]
    assert _first_chart(at) != default


def test_unknown_example_is_reported():
    at = open_page(BY_PATH["optimizers"].script, 60, query={"example": "nonsense"})
    assert not at.exception
    assert any("not one of this page's presets" in i.value for i in at.info)
