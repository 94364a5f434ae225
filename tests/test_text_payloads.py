"""Text from a link is text: every path that puts a link value into a message escapes it (views.ui.text).

The corpus holds what an attacker would try in a shared link: markdown links and images (phishing, tracking
pixels), a backtick to break out of a code span, raw HTML, autolinks, Streamlit's colour directives and LaTeX.
Here each message is checked to carry the escaped form only; tests/browser/test_markdown_payload_browser.py renders
the same corpus in Chromium and checks the DOM and the network.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import bidi, open_page
from views.ui.text import literal, plain

EVIL = "ev.il"
PAYLOADS = [
    "[x](https://ev.il/x)",
    "![](https://ev.il/p.png)",
    "x`[Sign in](https://ev.il/a)",
    "``[Sign in](https://ev.il/b)`` `",
    '<img src="https://ev.il/i.png">',
    '<a href="https://ev.il/h">click</a>',
    "https://ev.il/auto",
    "<https://ev.il/angle>",
    "www.ev.il/w",
    ":red[alarm] :material/warning: :smile:",
    "$e^{x}$ and $$\\int_0^1 x$$",
    "[Session expired: sign in again](https://ev.il/login) ![](https://ev.il/pixel.png)",
    "[ref][r]\n\n[r]: https://ev.il/ref",
    "\\[x\\](https://ev.il/esc)",
    "*bold* _it_ # head\n- item",
]
ACT = "views/activations/page.py"


def _notices(at) -> str:
    return " ".join(i.value for i in at.info)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_link_notices_show_values_keys_and_examples_escaped(payload):
    at = open_page(ACT, 60, query={"act_fn": payload, "act_mu": ["0.5", payload], "example": payload,
                                   payload: "1"})
    assert not at.exception
    text = _notices(at)
    assert literal(payload, 40) in text  # a refused value, and the example name
    assert literal(payload, 20) in text  # one of a repeated key's values
    assert literal(payload, 30) in text  # an unknown key
    # Outside the escaped forms, nothing of the payload's host is left to render.
    for escaped in (literal(payload, 40), literal(payload, 20), literal(payload, 30)):
        text = text.replace(escaped, "")
    assert EVIL not in text


def test_comma_lists_and_repeated_keys_are_read_or_reported():
    at = open_page("views/dynamics/page.py", 120, query={"gd_n": ["20", "200"], "dtab": "Gradient check"})
    assert "**Data points n** given 2 times" in _notices(at)
    assert at.slider(key="gd_n").value == 200  # the last one counts, as Streamlit reads it
    for kind in ("multiselect", "pills"):
        for query, want in (({"o": "SGD,Adam"}, ["sgd", "adam"]), ({"o": ["SGD", "Adam"]}, ["sgd", "adam"]),
                            ({"o": "SGD,Nope"}, ["sgd"])):
            at = AppTest.from_function(_choosing_page, args=(kind,))
            at.query_params.update(query)
            at.run()
            assert not at.exception and at.session_state["o"] == want, (kind, query)
            assert ("Nope" in query["o"]) == (literal("Nope", 40) in _notices(at)), _notices(at)
            assert "given 2 times" not in _notices(at)  # one parameter per entry is the normal form


def _choosing_page(kind: str) -> None:  # an AppTest script: one URL-bound choice of several names
    from views.ui import frame, links, widgets

    links.begin_run()
    with frame.page("Choose", "intro"):
        getattr(widgets, kind)("Optimizers", ["sgd", "momentum", "adam"], ["momentum"], key="o",
                               format_func={"sgd": "SGD", "momentum": "Momentum", "adam": "Adam"}.get)


def _raising_page(payload: str) -> None:  # an AppTest script: frame.page around a body whose error quotes a link
    from views.ui import frame, links

    links.begin_run()
    with frame.page("Payload", "intro"):
        raise ValueError(payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_error_box_shows_exception_text_escaped(payload):
    at = AppTest.from_function(_raising_page, args=(payload,)).run()
    assert not at.exception
    (box,) = at.error
    assert plain(payload, 300) in box.value
    assert EVIL not in box.value.replace(plain(payload, 300), "")


def _stopping_page() -> None:  # a page that refuses a link value and stops, as the optimizer page does
    import streamlit as st

    from views.ui import frame, links, widgets

    links.begin_run()
    with frame.page("Stops", "intro"):
        widgets.slider("Steps", 1, 10, 5, key="steps")
        st.error("Refused.")
        frame.stop()
        st.error("Never drawn.")


def test_notices_and_share_link_show_when_a_page_stops_early():
    at = AppTest.from_function(_stopping_page)
    at.query_params["steps"] = "99"
    at.query_params["bogus"] = "1"
    at.run()
    text = _notices(at)
    assert "**Steps**" in text and "`bogus`" in text
    shared = [bidi(e).get("share", "") for e in at.get("bidi_component")]
    assert any("seed=" in link for link in shared)  # "Link to this view" is drawn too
    assert [e.value for e in at.error] == ["Refused."]
