"""How much work one request may ask of a shared server, and the one sentence that refuses more.

A page run holds the process's run slot (views/ui/server.py) while it computes, so every other student waits for
it: a page computes inline only what its cost model estimates at or below RUN_S. Longer work runs as a background
job (views/ui/jobs.py) outside the slot, up to JOB_S; beyond that it is refused, naming the estimate and the nearest
setting that fits. Estimates come from a page's cost model in seconds-equivalent units, converted with ``rate``:
the measured seconds per unit of a small probe, timed once per process (so a slower machine gets honest promises).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

RUN_S = float(os.environ.get("NORMLAB_RUN_S", "1.0"))  # the most a page run computes inline
JOB_S = float(os.environ.get("NORMLAB_JOB_S", "30"))  # the most a background job may take
_RATES: dict[str, float] = {}
_LOCK = threading.Lock()


def seconds(s: float) -> str:
    """A duration as people say it: "0.4 s", "12 s", "3 min"."""
    if s < 10:  # one decimal: "about 1.3 s, more than the 1 s" must not read "about 1 s, more than the 1 s"
        return f"{s:.1g} s" if s < 1 else f"{s:.1f} s".replace(".0 s", " s")
    return f"{s:.0f} s" if s < 120 else f"{s / 60:.0f} min"


def fits_inline(estimate_s: float) -> bool:
    """Whether a computation of ``estimate_s`` may run inside a page run."""
    return estimate_s <= RUN_S


def fits(estimate_s: float) -> bool:
    """Whether a computation of ``estimate_s`` may run at all (inline or as a background job)."""
    return estimate_s <= JOB_S


def refuse(estimate_s: float, what: str, nearest: str) -> str:
    """The refusal sentence: ``what`` would take about ``estimate_s``; ``nearest`` (a setting) fits the budget."""
    return (f"{what} would take about {seconds(estimate_s)} on this server, more than the {seconds(JOB_S)} one view "
            f"may use while others share it; {nearest} fits.")


def rate(name: str, probe: Callable[[], float], *, clock: Callable[[], float] = time.thread_time,
         tries: int = 3) -> float:
    """Seconds per cost unit for ``name``: ``probe()`` runs a small computation and returns its size in units.

    Timed once per process, best of ``tries``, on ``clock``: by default the probe's own CPU time, whatever else runs
    meanwhile. On wall time a probe that ran beside a background job or a class's runs set every later estimate of
    the process: `make load`'s adversary (2026-11-28) had the CNN-pair link "about 98 min" and a 12-member ensemble
    "about 10 min", against 13 min and 60 s when its probes ran quiet. Beside one busy Python thread the live pair's
    probe came out 6x its quiet rate on wall time and 2x on CPU time (equal, within 5%, when quiet). Pages scale by
    the load now where it matters (views.ui.experiment.busy). The probes are small single-threaded torch work.
    """
    with _LOCK:
        if name in _RATES:
            return _RATES[name]
    best = float("inf")
    for _ in range(tries):
        t0 = clock()
        units = probe()
        best = min(best, (clock() - t0) / max(units, 1e-12))
    with _LOCK:
        return _RATES.setdefault(name, best)
