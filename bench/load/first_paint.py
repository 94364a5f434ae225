"""A browser's answer to a first paint (views/ui/first_paint.py): the trigger that reruns the page whole."""

from __future__ import annotations

import json

from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.proto.WidgetStates_pb2 import WidgetState

SIGNAL = "normlab_first_paint"  # in the component name of the element a first paint ends with


def signal_id(el) -> str | None:
    """The element id of a first paint's signal, if ``el`` (a NewElement) is one."""
    if el.WhichOneof("type") == "bidi_component" and SIGNAL in el.bidi_component.component_name:
        return el.bidi_component.id
    return None


def drawn(signal: str) -> WidgetState:
    """The trigger the signal's script sends once the tab has drawn its first chart (no rendering here: at once)."""
    return WidgetState(id=_make_trigger_id(signal, "events"),
                       json_trigger_value=json.dumps([{"event": "drawn", "value": True}]))
