"""Optimizer page (AppTest): runs that leave the box are one line under the map, escapes are not divergences, and
a refused expression is shown as text without hiding the page's link notices."""

import json
import re

from tests.apptest import bidi, loader, open_page
from views.ui import text

PAGE = "views/optimizers/page.py"
SADDLE = {"surf": "Saddle point", "x0": "-1.8", "y0": "0.001", "steps": "300"}
# A Python string literal parses, so the refusal quotes it back: the markdown inside must stay text.
PAYLOAD = "'[Session expired: sign in again](https://evil.example/login) ![](https://evil.example/pixel.png)'"


def _flat(node) -> list:
    """Every element under node, in page order."""
    out = []
    for child in getattr(node, "children", {}).values():
        out += [child, *_flat(child)]
    return out


def test_runs_leaving_the_saddle_downhill_are_one_escape_line_under_the_map():
    at = open_page(PAGE, timeout=120, query=SADDLE)
    assert not at.exception
    assert not [w.value for w in at.warning if "diverged" in w.value]  # no warning pushes the map down
    elements = _flat(at.main)
    order = [(getattr(e, "type", ""), str(getattr(e, "value", ""))) for e in elements]
    charts = [i for i, (t, _) in enumerate(order) if t in ("plotly_chart", "bidi_component")  # map; live loss chart
              and not (t == "plotly_chart" and loader(json.loads(elements[i].proto.spec)))]  # not plotly.js's loader
    (line,) = [i for i, (t, v) in enumerate(order) if t == "caption" and v.startswith("Left the box")]
    assert charts[0] < line < charts[1]  # between the map and the loss chart
    said = order[line][1]
    for name in ("Momentum", "Nesterov", "Adadelta"):
        assert re.search(rf"{name}: escaped downhill at step \d+", said)
    assert "diverged" not in said and "SGD" not in said  # SGD is still inside after 300 steps


def _outside_code_spans(markdown: str) -> str:
    return re.sub(r"(`+).*?\1", "", markdown)


def test_a_refused_expression_is_text_and_the_link_notices_still_show():
    at = open_page(PAGE, timeout=120, query={"surf": "Custom expression", "expr": PAYLOAD, "opt": "nope"})
    assert not at.exception
    (error,) = [e.value for e in at.error]
    assert text.literal(PAYLOAD) in error  # the expression as a code span
    rest = _outside_code_spans(error)
    assert "Session expired" in rest  # the reason quotes it too...
    assert not re.search(r"(?<!\\)[\[\]!<]", rest)  # ...with every link and image bracket escaped
    assert any("nope" in i.value for i in at.info)  # the link notice of the other bad value is not hidden
    shared = [bidi(e).get("share", "") for e in at.get("bidi_component")]
    assert any("seed=" in link for link in shared)  # nor the share link
