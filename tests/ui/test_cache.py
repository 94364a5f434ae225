"""views.ui.cache: one computation per key for every caller, byte-bounded LRU, read-only results."""

import threading
import time

import numpy as np
import pytest

from views.ui import cache


def _counted(name: str, max_mb: float, mb_per_value: float = 0.0):
    calls = []

    @cache.shared(name, max_mb=max_mb)
    def f(x: int) -> np.ndarray:
        calls.append(x)
        time.sleep(0.05)
        return np.full(int(mb_per_value * 2**20 / 8) or 1, float(x))

    return f, calls


def test_identical_concurrent_calls_compute_once():
    f, calls = _counted("t_once", 1)
    out = []
    threads = [threading.Thread(target=lambda: out.append(f(3))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [3] and len(out) == 8 and all(o is out[0] for o in out)


def test_results_are_read_only():
    f, _ = _counted("t_ro", 1)
    with pytest.raises(ValueError):
        f(1)[0] = 2.0


def test_byte_budget_evicts_least_recently_used():
    f, calls = _counted("t_lru", max_mb=3.5, mb_per_value=1.0)
    for x in (1, 2, 3):
        f(x)
    f(1)  # 1 becomes the most recently used, so 2 is the one to go
    f(4)
    row = next(r for r in cache.stats() if r["name"] == "t_lru")
    assert row["bytes"] <= row["max_bytes"] and row["entries"] == 3
    f(1), f(3), f(4)
    assert calls == [1, 2, 3, 4]
    f(2)
    assert calls == [1, 2, 3, 4, 2]


def test_a_value_larger_than_the_budget_is_returned_not_kept():
    f, calls = _counted("t_big", max_mb=0.5, mb_per_value=1.0)
    assert f(1).shape[0] == 2**17
    f(1)
    assert calls == [1, 1]


def test_an_error_reaches_every_waiter_and_is_not_cached():
    n = []

    @cache.shared("t_err", max_mb=1)
    def g(x):
        n.append(x)
        time.sleep(0.05)
        raise ValueError("bad")

    errors = []

    def call():
        try:
            g(1)
        except ValueError as e:
            errors.append(e)

    threads = [threading.Thread(target=call) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(errors) == 4 and n == [1]
    with pytest.raises(ValueError):
        g(1)
    assert n == [1, 1]


def test_nbytes_counts_array_buffers_once():
    a = np.zeros(1000)
    assert 8000 <= cache.nbytes((a, a, [a])) < 9000


def test_nbytes_counts_the_buffer_a_view_keeps_alive():
    base = np.zeros((16, 5000, 2))
    thinned = [base[i, ::10] for i in range(16)]  # 16 small views of one large buffer
    assert base.nbytes <= cache.nbytes(thinned) < base.nbytes + 16 * 1000  # the base once, not 16 x 8 kB


def test_peek_reads_a_held_value_without_computing_or_touching_the_order():
    from views.ui import cache

    calls = []

    @cache.shared("test.peek", max_mb=1)
    def square(x):
        calls.append(x)
        return x * x

    assert cache.peek(square, cache._key((3,), {})) is None and calls == []
    square(3)
    square(4)
    assert cache.peek(square, cache._key((3,), {})) == 9 and calls == [3, 4]
    assert list(square.store.entries)[0] == cache._key((3,), {})  # still the least recently used
