"""The small-batch loop: each run stepped on Python floats (each Rule's step_py), the gradient still batched.

Why a second form of every rule: a course race is a handful of runs, and NumPy's fixed cost per call (~0.5 us on a
(1, 2) array, ~25 calls a step) is five times the arithmetic of a two-parameter run; plain floats take the default
race from ~40 to ~24 ms. A batch of at most MAX_ROWS runs (the page's race, a single `run`) steps this way; bigger
batches (noise bundles, fair races, sweeps) keep the batched form. Both give the same numbers bit for bit and the
same outputs: points and grads (T+1, B, 2), state records (T+1, b, 2) per (group, name), the last step computed.
Python refuses a few operations NumPy turns into inf/NaN (division by zero, sqrt of a negative): the run is then
marked diverged at that step, as the NumPy loop would.
"""

from __future__ import annotations

import numpy as np

from core.optim.engine import COMPLEMENTS, Batch

MAX_ROWS = 16  # beyond this the vectorized rules win: their cost per step does not grow with the rows
_NAN2 = [np.nan, np.nan]


def _hypers(hyper: dict) -> dict:
    """One run's settings as Python floats with the complements the engine precomputes (1 - beta1, ...)."""
    h = {k: float(v) for k, v in hyper.items()}
    h.update({"1-" + k: 1 - h[k] for k in COMPLEMENTS if k in h})
    return h


def _state(rule, h: dict) -> dict:
    """Initial state of one run, as core.optim.engine.init_state makes it for a row."""
    s = {k: [0.0 + v] * 2 for k, v in rule.initial(h).items()}
    s.update(rule.scalar_state)
    return s


def loop(batch: Batch, bound: float, steps: int, grad_into, lrs: np.ndarray | None):
    """Advance every row of a small batch; lrs (T, B) sets each row's lr at each step (None: constant)."""
    B = len(batch.order)
    points, grads = np.full((steps + 1, B, 2), np.nan), np.full((steps + 1, B, 2), np.nan)
    points[0] = batch.p0
    gs = grad_into(points[0], grads[0]).tolist()
    runs = []
    for gr in batch.groups:
        for r in range(gr.rows.start, gr.rows.stop):
            h = _hypers(batch.hypers[batch.order[r]])
            if lrs is not None:
                h["lr"] = float(lrs[0, r])
            runs.append((gr.rule.step_py, h, _state(gr.rule, h)))
    trace = [[s.copy()] for _, _, s in runs]  # the rules replace state pairs, never mutate: a shallow copy is a record
    ps, alive, last = batch.p0.tolist(), [True] * B, steps
    for t in range(1, steps + 1):
        new = []
        for r, (rule, h, s) in enumerate(runs):
            if not alive[r]:
                new.append(_NAN2)
                continue
            if lrs is not None:
                h["lr"] = float(lrs[t - 1, r])
            try:
                q = rule(ps[r], gs[r], s, h, t)
            except (ArithmeticError, ValueError):  # where NumPy would have made inf/NaN: diverged here
                q = _NAN2
            if not (-bound <= q[0] <= bound and -bound <= q[1] <= bound):
                alive[r] = False
            new.append(q)
            trace[r].append(s.copy())
        ps = new
        points[t] = ps
        gs = grad_into(points[t], grads[t]).tolist()
        if not any(alive):
            last = t
            break
    return points, grads, _records(batch, trace, steps), last


def _records(batch: Batch, trace: list, steps: int) -> dict:
    """Per-row traces of recorded state stacked into the engine's form {(group, name): (T+1, b, 2)}."""
    out = {}
    for k, gr in enumerate(batch.groups):
        for n in gr.recorded:
            arr = np.full((steps + 1, gr.rows.stop - gr.rows.start, 2), np.nan)
            for j, r in enumerate(range(gr.rows.start, gr.rows.stop)):
                rows = trace[r]
                arr[: len(rows), j] = [snap[n] for snap in rows]
            out[k, n] = arr
    return out
