"""A live chart's data as the bytes of its JSON, with the JSON of every shared (sealed) figure spec made once.

Handed a dict, Streamlit's component serializes it twice a call (the payload, and a sorted copy for the element's
identity) after walking it for data frames: with a class of 30 watching live training, that was a fifth of the
server's interpreter time. Handed bytes, it hashes them once. The specs that caches give every session (the same
dict for every viewer of a frame) are sealed when cached, and their JSON is then made once for all of them.
A sealed spec is never changed afterwards: the caches that hand them out already promise that.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict

MAX_BYTES = 24 * 2**20  # the JSON kept for sealed specs, least recently used dropped first (a lecture needs ~2 MB)
_LOCK = threading.Lock()
_SEALED: OrderedDict[int, tuple[dict, bytes]] = OrderedDict()  # id(spec) -> (spec, its JSON)
_SIZE = [0]


def seal(spec: dict) -> dict:
    """``spec``, marked as never to change again, its JSON made now (when it is cached). Returns it. The memo holds
    the spec and its JSON within ``MAX_BYTES`` of JSON: a spec its cache has dropped is not kept alive past that."""
    made = _dumps(spec)
    with _LOCK:
        if id(spec) not in _SEALED:
            _SEALED[id(spec)] = (spec, made)  # the strong reference keeps the id from being reused
            _SIZE[0] += len(made)
            _trim()
    return spec


def _dumps(x) -> bytes:
    return json.dumps(x, separators=(",", ":")).encode()


def spec_json(spec: dict) -> bytes:
    """The JSON of a figure spec: made once if sealed, else now."""
    with _LOCK:
        hit = _SEALED.get(id(spec))
        if hit is not None and hit[0] is spec:
            _SEALED.move_to_end(id(spec))
            return hit[1]
    return _dumps(spec)


def _trim() -> None:
    while _SIZE[0] > MAX_BYTES and _SEALED:
        _, (_, made) = _SEALED.popitem(last=False)
        _SIZE[0] -= len(made)


def encode(data) -> bytes:
    """The JSON of a live chart's data (dicts, lists, plain values), every value under a "spec" key taken from
    ``spec_json``. Only the few containers around the specs are walked in Python."""
    if isinstance(data, dict):
        return b"{" + b",".join(_dumps(str(k)) + b":" + (spec_json(v) if k == "spec" and isinstance(v, dict)
                                                         else encode(v)) for k, v in data.items()) + b"}"
    if isinstance(data, list | tuple):
        return b"[" + b",".join(encode(v) for v in data) + b"]"
    return _dumps(data)
