"""A live chart's data as JSON bytes: the same data Streamlit's own JSON would carry, a sealed spec's JSON made once."""

import json

import numpy as np
import plotly.graph_objects as go
from hypothesis import given
from hypothesis import strategies as st

from tests.apptest import bidi, open_page
from views.ui import payload
from viz.theme import plain

scalars = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False) | st.text(max_size=8)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=20)


@given(values)
def test_encode_is_the_json_of_the_data(data):
    assert json.loads(payload.encode(data)) == json.loads(json.dumps(data))


def test_a_sealed_spec_is_encoded_once_and_others_each_time():
    spec = plain(go.Figure(go.Scatter(x=np.arange(50.0), y=np.arange(50.0) ** 2)))
    sealed = payload.seal(spec)
    assert sealed is spec
    data = {"frames": [{"id": 1, "spec": spec, "caption": "**Step 1**"}], "key": "k", "ahead": None}
    first = payload.encode(data)
    assert json.loads(first) == json.loads(json.dumps(data))
    assert payload.spec_json(spec) is payload.spec_json(spec)  # made once, kept
    fresh = plain(go.Figure(go.Scatter(x=[1.0], y=[2.0])))  # not sealed: a new JSON every call, nothing kept
    assert payload.spec_json(fresh) is not payload.spec_json(fresh)
    assert id(fresh) not in payload._SEALED


def test_the_kept_json_stays_within_its_budget(monkeypatch):
    monkeypatch.setattr(payload, "MAX_BYTES", 10_000)
    specs = [payload.seal({"data": [{"y": "x" * 3000, "n": i}], "layout": {}}) for i in range(10)]
    for s in specs:
        payload.spec_json(s)
    assert payload._SIZE[0] <= 10_000
    assert json.loads(payload.spec_json(specs[0]))["data"][0]["n"] == 0  # dropped from the memo: made again, right


def test_live_charts_send_bytes_that_read_back_as_their_data():
    at = open_page("views/optimizers/page.py")
    live = [e for e in at.get("bidi_component") if e.proto.WhichOneof("data") == "bytes"]
    assert live, "the optimizer page's live charts should travel as JSON bytes"
    contour = next(d for d in map(bidi, live) if d.get("key") == "contour")
    assert contour["spec"]["data"] and contour["config"]["toImageButtonOptions"]["filename"] == "normlab_contour"
