"""Results shared by every session of a server process: one computation per distinct setting, bounded in bytes.

Every result normlab computes is a deterministic function of its settings (seed included), so thirty students on
one preset need it once. ``shared`` memoizes a function process-wide: keyed by the repr of its arguments (frozen
configs have exact reprs), identical calls made at once compute once while the others wait, and each cache keeps
the most recently used results within its byte budget. Values are handed out as they are (no copy per run, unlike
st.cache_data's pickles), so their numpy arrays are made read-only: a caller that mutated one would change every
student's result.

Budgets: each cache declares its own (``max_mb``); ``NORMLAB_CACHE_SCALE`` (default 1) multiplies them all, e.g.
0.5 on a 1 GB replica. ``stats()`` lists them; docs/deploy.md sums the defaults.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import numpy as np

SCALE = float(os.environ.get("NORMLAB_CACHE_SCALE", "1"))
_STORES: dict[str, _Store] = {}


def nbytes(obj: Any, _seen: set[int] | None = None) -> int:
    """Approximate bytes held by ``obj``: array buffers plus a walk of containers and dataclasses (shared once)."""
    seen = set() if _seen is None else _seen
    if isinstance(obj, np.ndarray):
        # A view keeps its whole base alive: count the buffer that owns the memory, once (a thinned path of 5000
        # steps held a 16-path base 4x its size, so the race cache held ~4x its budget).
        while isinstance(obj.base, np.ndarray):
            obj = obj.base
        if id(obj) in seen:
            return 0
        seen.add(id(obj))
        return obj.nbytes + 112
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    if hasattr(obj, "element_size") and hasattr(obj, "nelement"):  # a torch tensor, without importing torch
        return obj.element_size() * obj.nelement() + 112
    size = sys.getsizeof(obj, 64)
    if isinstance(obj, dict):
        return size + sum(nbytes(k, seen) + nbytes(v, seen) for k, v in obj.items())
    if isinstance(obj, list | tuple | set | frozenset):
        return size + sum(nbytes(v, seen) for v in obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return size + sum(nbytes(getattr(obj, f.name), seen) for f in dataclasses.fields(obj))
    if hasattr(obj, "__dict__") and not isinstance(obj, type):
        return size + nbytes(vars(obj), seen)
    return size


def freeze(obj: Any, _seen: set[int] | None = None) -> Any:
    """Make every numpy array reachable from ``obj`` read-only (in place); returns ``obj``."""
    seen = set() if _seen is None else _seen
    if id(obj) in seen:
        return obj
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        obj.flags.writeable = False
    elif isinstance(obj, dict):
        for v in obj.values():
            freeze(v, seen)
    elif isinstance(obj, list | tuple):
        for v in obj:
            freeze(v, seen)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            freeze(getattr(obj, f.name), seen)
    return obj


class _Store:
    """One named cache: least-recently-used entries evicted past ``max_bytes``; one computation per key at a time."""

    def __init__(self, name: str, max_bytes: int):
        self.name, self.max_bytes = name, max_bytes
        self.entries: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self.pending: dict[str, Future] = {}
        self.bytes = self.hits = self.misses = 0
        self.lock = threading.Lock()

    def get(self, key: str, compute: Callable[[], Any]) -> Any:
        """The cached value of ``key``, computing it (once, whoever asks first) when absent."""
        while True:
            with self.lock:
                if key in self.entries:
                    self.entries.move_to_end(key)
                    self.hits += 1
                    return self.entries[key][0]
                fut = self.pending.get(key)
                owner = fut is None
                if owner:
                    fut = self.pending[key] = Future()
                    self.misses += 1
            if owner:
                return self._compute(key, compute, fut)
            exc = fut.exception()  # waits for the owner
            if exc is None:
                return fut.result()
            if isinstance(exc, Exception):
                raise exc
            # the owner's run was stopped or rerun (not a failure of the computation): compute it ourselves

    def _compute(self, key: str, compute: Callable[[], Any], fut: Future) -> Any:
        try:
            value = freeze(compute())
        except BaseException as exc:
            with self.lock:
                self.pending.pop(key, None)
            fut.set_exception(exc)
            raise
        size = nbytes(value)
        with self.lock:
            self.pending.pop(key, None)
            if size <= self.max_bytes:  # a value larger than the whole budget is returned but never kept
                self.entries[key] = (value, size)
                self.bytes += size
                while self.bytes > self.max_bytes:
                    _, (_, dropped) = self.entries.popitem(last=False)
                    self.bytes -= dropped
        fut.set_result(value)
        return value

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.bytes = 0


def _key(args: tuple, kwargs: dict) -> str:
    return repr((args, sorted(kwargs.items())))


def shared(name: str, max_mb: float = 64, key: Callable[[tuple, dict], str] = _key):
    """Decorator: memoize a pure function for every session, within ``max_mb`` (times NORMLAB_CACHE_SCALE).

    ``key(args, kwargs)`` names a call (default: the repr of both, kwargs sorted; frozen dataclasses and plain
    values have exact reprs). Returned arrays are read-only. The wrapper has ``.clear()`` and ``.store``.
    """
    store = _STORES.setdefault(name, _Store(name, int(max_mb * SCALE * 2**20)))

    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            return store.get(key(args, kwargs), lambda: fn(*args, **kwargs))

        wrapper.clear, wrapper.store = store.clear, store
        return wrapper

    return decorate


def has(fn: Callable, *args, **kwargs) -> bool:
    """Whether ``fn`` (a ``shared`` wrapper with the default key) holds the value of this call (no LRU touch)."""
    return _key(args, kwargs) in fn.store.entries


def peek(fn: Callable, key: str) -> Any:
    """The value ``fn`` (a ``shared`` wrapper) holds under its own ``key`` string, or None (no LRU touch, no
    computation): e.g. a shorter run to resume from."""
    with fn.store.lock:
        hit = fn.store.entries.get(key)
    return None if hit is None else hit[0]


def stats() -> list[dict]:
    """One row per cache: name, entries, bytes held, byte budget, hits, misses."""
    return [{"name": s.name, "entries": len(s.entries), "bytes": s.bytes, "max_bytes": s.max_bytes,
             "hits": s.hits, "misses": s.misses} for s in _STORES.values()]
