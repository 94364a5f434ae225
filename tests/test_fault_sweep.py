"""Every widget of every page through its extremes, hostile text, and hand-edited links: never a traceback.

Parametrized over the page registry, so a new page is swept as soon as it is registered. A failure names the
page, the widget and the value. Pages crashing inside `ui.page` show its guard sentence; that counts as a crash.
"""

from __future__ import annotations

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from tests.apptest import chart_specs, open_page
from views import HOME, PAGES

SPECS = [HOME, *PAGES]
GUARD = "could not recover"  # ui.page's sentence for an exception it caught
CHOICE_KINDS = ("selectbox", "radio", "select_slider", "multiselect")
NUMBER_KINDS = ("slider", "number_input")
TEXT_KINDS = ("text_input", "text_area")
HOSTILE = {  # every one of these must be refused with a sentence, never evaluated, never a traceback
    "malformed": "1 +* (2",
    "unclosed call": "sin(",
    "huge": "x" * 10_000,
    "unicode": "∑ᵢ xᵢ² ÷ ℵ₀",
    "right-to-left": "\u202eمرحبا بالعالم",
    "emoji": "📉🔥🤖",
    "injection": "__import__('os').system('id')",
    "attribute walk": "x.__class__",
    "overflow": "1e308**2",
}
BLANK = {"empty": "", "whitespace": " \t\n "}  # may fall back to a default; must not crash


def _timeout(spec) -> int:
    return 120 if spec.torch else 30


def _problems(at: AppTest) -> list[str]:
    crashed = [e.value for e in at.exception] + [e.value for e in at.error if GUARD in e.value]
    return crashed


def _widgets(at: AppTest) -> list[tuple[str, object]]:
    """(kind, element) of every keyed widget on the page, main area and sidebar."""
    kinds = (*NUMBER_KINDS, "select_slider", "selectbox", "radio", "multiselect", "checkbox", "toggle", *TEXT_KINDS)
    return [(k, w) for k in kinds for w in getattr(at, k) if w.key]


def _tab_views(at: AppTest) -> list[dict]:
    """Link queries opening each non-default tab of the page's URL-bound tab sets (their bodies render lazily)."""
    views = []

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            proto = getattr(child, "proto", None)
            if type(child).__name__ == "Block" and proto is not None and proto.HasField("tab_container"):
                tc = proto.tab_container
                labels = [t.label for t in child.children.values() if type(t).__name__ == "Tab"]
                if tc.query_param_key:
                    views.extend({tc.query_param_key: lab} for lab in labels if lab != tc.default_tab_label)
            walk(child)

    walk(at._tree)
    return views


def _views(spec) -> list[tuple[dict, list[tuple[str, str]]]]:
    """(link query, [(kind, key)]) per view: the default view, then each lazy tab's and variant's new widgets."""
    at = open_page(spec.script, _timeout(spec))
    assert not _problems(at), _problems(at)
    seen = {w.key for _, w in _widgets(at)}
    out = [({}, [(k, w.key) for k, w in _widgets(at)])]
    for query in [*_tab_views(at), *spec.variants]:
        tab = open_page(spec.script, _timeout(spec), query=query)
        assert not _problems(tab), f"{spec.url_path} {query}: {_problems(tab)}"
        new = [(k, w.key) for k, w in _widgets(tab) if w.key not in seen]
        seen |= {key for _, key in new}
        out.append((query, new))
    return out


def _raw(w, fill) -> None:
    """Send exactly what the browser would (formatted option labels), bypassing AppTest's format_func round trip."""
    class Raw(type(w)):
        @property
        def _widget_state(self) -> WidgetState:
            ws = WidgetState(id=self.id)
            fill(ws)
            return ws

    w.__class__ = Raw


def _extremes(kind: str, w) -> list[tuple[str, object]]:
    """(description, setter) pairs taking the widget to each end of its range."""
    if kind == "slider":
        if isinstance(w.value, (tuple, list)):
            return [("full range", lambda: w.set_range(w.min, w.max)), ("min..min", lambda: w.set_range(w.min, w.min))]
        return [("min", lambda: w.set_value(w.min)), ("max", lambda: w.set_value(w.max))]
    if kind == "number_input":
        lo = w.min if w.min is not None else -1e12
        hi = w.max if w.max is not None else 1e12
        cast = int if isinstance(w.value, int) else float
        return [("min", lambda: w.set_value(cast(lo))), ("max", lambda: w.set_value(cast(hi)))]
    if kind in ("select_slider", "multiselect"):
        opts = list(w.options)
        sets = [("first", [opts[0]]), ("last", [opts[-1]])] if kind == "select_slider" else \
            [("none", []), ("all", opts)]
        return [(d, (lambda v=v: _raw(w, lambda ws: ws.string_array_value.data.extend(v)))) for d, v in sets]
    if kind in ("selectbox", "radio"):
        opts = list(w.options)
        return [(d, (lambda o=o: _raw(w, lambda ws: setattr(ws, "string_value", o))))
                for d, o in (("first", opts[0]), ("last", opts[-1]))] if opts else []
    if kind in ("checkbox", "toggle"):
        return [("on", lambda: w.set_value(True)), ("off", lambda: w.set_value(False))]
    return []


def _find(at: AppTest, kind: str, key: str):
    return next((w for w in getattr(at, kind) if w.key == key), None)


@pytest.mark.timeout(600)
@pytest.mark.parametrize("spec", SPECS, ids=[p.url_path for p in SPECS])
def test_every_widget_at_its_extremes(spec):
    failures = []
    for query, controls in _views(spec):  # the default view, then every lazily rendered tab
        failures += _sweep(spec, query, controls)
    assert not failures, "\n".join(failures)


def _sweep(spec, query: dict, controls: list[tuple[str, str]]) -> list[str]:
    failures = []
    for kind, key in controls:
        at = open_page(spec.script, _timeout(spec), query=query)  # each control starts from the view's defaults
        for desc, _ in _extremes(kind, _find(at, kind, key)):
            dict(_extremes(kind, _find(at, kind, key)))[desc]()
            at.run()
            if _problems(at):
                failures.append(f"{spec.url_path}: {kind} '{key}' = {desc}: {_problems(at)}")
                break
            if _find(at, kind, key) is None:  # a control must survive its own change (and the rerun it causes)
                failures.append(f"{spec.url_path}: {kind} '{key}' vanished after setting it to {desc}")
                break
    return failures


@pytest.mark.timeout(600)
@pytest.mark.parametrize("spec", SPECS, ids=[p.url_path for p in SPECS])
def test_free_text_refuses_hostile_input_with_a_sentence(spec):
    views = [(q, [(k, key) for k, key in c if k in TEXT_KINDS]) for q, c in _views(spec)]
    if not any(c for _, c in views):
        pytest.skip(f"{spec.url_path} has no free-text input")
    failures = []
    for query, keys in views:
        failures += _hostile(spec, query, keys)
    assert not failures, "\n".join(failures)


def _hostile(spec, query: dict, keys: list[tuple[str, str]]) -> list[str]:
    failures = []
    at = open_page(spec.script, _timeout(spec), query=query)
    for kind, key in keys:
        for name, text in {**HOSTILE, **BLANK}.items():
            w = next(x for x in getattr(at, kind) if x.key == key)
            w.set_value(text)
            at.run()
            if _problems(at):
                failures.append(f"{kind} '{key}' = {name}: {_problems(at)}")
                at = open_page(spec.script, _timeout(spec), query=query)
            elif name in HOSTILE and not (at.error or at.warning):
                failures.append(f"{kind} '{key}' = {name}: accepted silently (expected st.error or st.warning)")
    return failures


def _bad_link_values(kind: str, w) -> tuple[str | None, str]:
    """(wrong type, out of range) for a URL-bound widget, as a student might hand-edit them."""
    if kind in NUMBER_KINDS:
        hi = w.max if w.max is not None else 1e300
        return "twelve", "1e999" if hi > 1e290 else repr(hi * 10 + 1)
    if kind in ("checkbox", "toggle"):
        return "maybe", "2"
    if kind in TEXT_KINDS:
        return None, "y" * 5000
    return "no-such-option", "𝔫𝔬𝔭𝔢"


@pytest.mark.timeout(600)
@pytest.mark.parametrize("spec", SPECS, ids=[p.url_path for p in SPECS])
def test_stale_and_hand_edited_links_fall_back_with_a_notice(spec):
    at = open_page(spec.script, _timeout(spec))
    bound = _widgets(at)
    for column in (0, 1):  # wrong types, then out-of-range values, every bound control at once
        bad = {w.key: (w.label, _bad_link_values(k, w)[column]) for k, w in bound}
        query = {key: value for key, (_, value) in bad.items() if value is not None}
        query["zz_stale_param"] = "1"
        at = open_page(spec.script, timeout=_timeout(spec), query=query)
        shown = {k: v if len(v) < 40 else v[:20] + "…" for k, v in query.items()}
        assert not _problems(at), f"{spec.url_path} with link {shown}: {_problems(at)}"
        notices = " ".join(i.value for i in at.info)
        assert "zz_stale_param" in notices, f"{spec.url_path}: no notice for an unknown link parameter"
        silent = [(key, shown[key]) for key, (label, v) in bad.items() if v is not None and label not in notices]
        assert not silent, f"{spec.url_path}: link values {silent} dropped without a notice"
        assert len(chart_specs(at)) >= spec.charts, f"{spec.url_path}: defaults not drawn after a bad link"
