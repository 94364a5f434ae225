"""The browser's widget manager, re-done in Python: widget values, their WidgetState protobufs and URL binding.

Mirrors Streamlit 1.67's frontend (WidgetStateManager, useBasicWidgetState, the per-widget
``getDefaultStateFromProto`` / ``updateWidgetMgrState`` functions) so a rerun carries exactly what a browser sends.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import numpy as np
from streamlit.proto.Checkbox_pb2 import Checkbox
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState

# Element kinds whose state the frontend keeps and sends with every rerun (buttons only send a trigger on click).
KINDS = ("slider", "number_input", "selectbox", "radio", "multiselect", "checkbox", "text_input", "text_area",
         "button_group")  # button_group: st.pills and st.segmented_control


@dataclass
class Widget:
    """One widget as the browser knows it: the proto it was drawn from and its current value."""

    kind: str
    proto: Any
    value: Any
    fragment_id: str = ""  # the fragment that drew it: moving it reruns only that fragment, as in a browser
    id = property(lambda self: self.proto.id, doc="The widget's id, as the frontend reports it.")
    label = property(lambda self: self.proto.label, doc="The widget's label.")

    @property
    def is_select_slider(self) -> bool:
        return self.kind == "slider" and self.proto.type == Slider.SELECT_SLIDER


def _optional(proto: Any, field: str) -> Any:
    return getattr(proto, field) if proto.HasField(field) else None


def default_value(kind: str, p: Any) -> Any:
    """The value a freshly mounted widget registers (``getDefaultStateFromProto``)."""
    if kind == "slider":
        return [p.options[int(i)] for i in p.default] if p.type == Slider.SELECT_SLIDER else list(p.default)
    if kind == "number_input":
        v = _optional(p, "default")
        return None if v is None else (int(v) if p.data_type == NumberInput.INT else v)
    if kind in ("selectbox", "radio"):
        i = _optional(p, "default")
        return p.options[i] if i is not None and p.options else None
    if kind == "multiselect":
        return [p.options[i] for i in p.default]
    if kind == "button_group":
        return [p.options[i].content for i in p.default]
    if kind == "checkbox":
        return p.default
    return _optional(p, "default")  # text_input / text_area


def current_value(kind: str, p: Any) -> Any:
    """The value the server pushes with ``set_value`` (``getCurrStateFromProto``)."""
    if kind == "slider" and p.type == Slider.SELECT_SLIDER:  # 1.67 pushes the formatted options themselves
        return list(p.raw_value) if p.raw_value else [p.options[int(i)] for i in p.value]
    if kind == "slider":
        return list(p.value)
    if kind == "number_input":
        v = _optional(p, "value")
        v = _optional(p, "default") if v is None else v
        return None if v is None else (int(v) if p.data_type == NumberInput.INT else v)
    if kind in ("selectbox", "radio"):
        return _optional(p, "raw_value")
    if kind in ("multiselect", "button_group"):
        return list(p.raw_values)
    return p.value if kind == "checkbox" else _optional(p, "value")


def widget_state(w: Widget) -> WidgetState | None:
    """The WidgetState protobuf the frontend sends for ``w`` (None when it sends nothing)."""
    if w.value is None:
        return None
    ws = WidgetState(id=w.id)
    if w.kind == "slider":
        target = ws.string_array_value if w.is_select_slider else ws.double_array_value
        target.data.extend(w.value)
    elif w.kind == "number_input":
        if w.proto.data_type == NumberInput.INT:
            ws.int_value = int(w.value)
        else:
            ws.double_value = float(w.value)
    elif w.kind in ("multiselect", "button_group"):
        ws.string_array_value.data.extend(w.value)
    elif w.kind == "checkbox":
        ws.bool_value = bool(w.value)
    else:
        ws.string_value = w.value
    return ws


def is_toggle(w: Widget) -> bool:
    return w.kind == "checkbox" and w.proto.type == Checkbox.TOGGLE


# --- URL binding (WidgetStateManager.maybeSyncValueToUrl) -------------------------------------------------


def js_number(x: float) -> str:
    """``String(x)`` in JavaScript: shortest round-trip digits, exponent only below 1e-6 or from 1e21."""
    x = float(x)
    if x == int(x) and abs(x) < 1e21:
        return str(int(x))
    if math.isfinite(x) and (abs(x) < 1e-6 or abs(x) >= 1e21):
        mantissa, exp = np.format_float_scientific(x, trim="-", exp_digits=1).split("e")
        return f"{mantissa}e{'+' if not exp.startswith('-') else ''}{exp.lstrip('+')}"
    return np.format_float_positional(x, trim="-")


def url_value(w: Widget, value: Any) -> str | list[str] | None:
    """What the frontend writes to the URL for ``value`` (``convertToUrlValue``)."""
    if value is None:
        return None
    if isinstance(value, list):
        return [v if isinstance(v, str) else js_number(v) for v in value if v != ""]
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else js_number(value)


def sync_url(query: dict[str, list[str]], w: Widget) -> None:
    """Update ``query`` after a user change of a URL-bound widget: set its parameter, or drop it at the default."""
    key = getattr(w.proto, "query_param_key", "")
    if not key:
        return
    now, default = url_value(w, w.value), url_value(w, default_value(w.kind, w.proto))
    now_list = now if isinstance(now, list) else ([] if now is None else [now])
    default_list = default if isinstance(default, list) else ([] if default is None else [default])
    if not now_list or now_list == default_list:
        query.pop(key, None)
    else:
        query[key] = now_list


def query_string(query: dict[str, list[str]]) -> str:
    """The query-string library's ``stringify``: sorted keys, repeated keys for arrays, strict encoding, '+'."""
    parts = [f"{quote(k, safe='')}={quote(v, safe='')}" for k in sorted(query) for v in query[k]]
    return "&".join(parts).replace("%20", "+")


def learn_tab(block, path: tuple[int, ...], tab_paths: dict[tuple[int, ...], str], tabs: dict[str, list[str]]) -> None:
    """Learn a URL-bound tab container (``tab_paths``: its path -> query key) and its labels (``tabs``: key -> labels)
    from an add_block delta at ``path``: a link can open any tab by its label."""
    kind = block.WhichOneof("type")
    if kind == "tab_container" and block.tab_container.query_param_key:
        tab_paths[path] = block.tab_container.query_param_key
        tabs[block.tab_container.query_param_key] = []
    elif kind == "tab" and path[:-1] in tab_paths:
        labels = tabs[tab_paths[path[:-1]]]
        if block.tab.label not in labels:
            labels.append(block.tab.label)
