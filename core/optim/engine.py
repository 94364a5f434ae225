"""The batch machinery under `run_batch` and `sweep`: rows grouped by update rule, one vectorized step for all.

A batch is B runs (rows of p (B, 2)). Rows of one update rule form a contiguous group whose hyper-parameters are
columns (B_g, 1), or scalars when every row agrees (the rules then skip unused branches for free).
Rows never interact, so a run that blows up (inf/NaN) cannot disturb the others; divergence is detected
afterwards (or periodically) from the points, which keeps the per-step loop free of checks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.optim.registry import get
from core.optim.spec import Rule

MAX_STEPS = 20_000
COMPLEMENTS = ("beta1", "beta2", "rho", "alpha", "dampening")  # torch computes 1 - beta etc. in Python floats


@dataclass
class Group:
    """A contiguous slice of the batch whose rows share one update rule."""

    rule: Rule
    rows: slice
    h: dict  # name -> 0-d array (uniform) or (rows, 1) column, plus "_f", "_on" and "_nz" (see core.optim.ops)
    state: dict  # name -> (rows, 2) arrays, replaced (never mutated) by the rule at every step
    recorded: tuple[str, ...]  # state names kept for the Trajectory


@dataclass
class Batch:
    """Validated runs ready to advance: rows sorted by optimizer; order[r] is the config index of row r."""

    specs: list
    hypers: list[dict]
    order: np.ndarray
    p0: np.ndarray  # (B, 2) start points in row order
    groups: list[Group]


def init_state(rule: Rule, h: dict, rows: int) -> dict:
    """A group's state at step 0: (rows, 2) buffers and (rows, 1) scalars, from its columns h."""
    z = np.zeros((rows, 2))
    s = {k: z + v for k, v in rule.initial(h).items()}
    s.update({k: np.full((rows, 1), v, dtype=v.dtype) for k, v in rule.scalar_state.items()})
    return s


def _columns(hypers: list[dict]) -> dict:
    """Per-run hyper-parameters in the form the rules read (0-d array if uniform, else a (B, 1) column)."""
    h, f = {}, {}
    for k in set().union(*hypers):
        col = np.array([[float(hp.get(k, 0.0))] for hp in hypers])
        uniform = bool(np.all(col == col[0, 0]))
        f[k] = float(col[0, 0]) if uniform else col
        h[k] = np.array(f[k]) if uniform else col
    for k in COMPLEMENTS:  # same values as torch's, computed once
        if k in f:
            f["1-" + k] = 1 - f[k]
            h["1-" + k] = np.array(f["1-" + k]) if f[k].__class__ is float else f["1-" + k]
    h["_f"] = f
    h["_on"] = frozenset(k for k, v in f.items() if v.__class__ is not float or v != 0.0)
    h["_nz"] = {k: v != 0.0 for k, v in f.items() if v.__class__ is not float}
    return h


def prepare(configs, starts: np.ndarray, steps: int) -> Batch:
    """Validate configs [(optimizer, hyper)] and starts (B, 2); group rows by rule (ValueError if bad)."""
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be a whole number between 0 and {MAX_STEPS}, got {steps}.")
    specs = [get(name) for name, _ in configs]
    hypers = [spec.resolve(**hp) for spec, (_, hp) in zip(specs, configs, strict=True)]
    p0 = np.array(starts, dtype=np.float64).reshape(len(configs), 2)
    if not np.all(np.isfinite(p0)):
        raise ValueError("The start point must be finite numbers.")
    # One group per update rule (sgd, momentum and nesterov share one; adam, adamw and amsgrad another): the
    # entry's defining switches (nesterov, decoupled, amsgrad) are then per-row columns like any setting.
    rules = list(dict.fromkeys(s.rule for s in specs))
    rank = {r: i for i, r in enumerate(rules)}
    order = np.array(sorted(range(len(specs)), key=lambda i: rank[specs[i].rule]), dtype=int)
    groups, lo = [], 0
    for rule in rules:
        idx = [int(i) for i in order if specs[i].rule is rule]
        rows = slice(lo, lo + len(idx))
        h = _columns([hypers[i] for i in idx])
        recorded = tuple(dict.fromkeys(n for i in idx for n in specs[i].state_names if n != "effective_lr"))
        groups.append(Group(rule, rows, h, init_state(rule, h, len(idx)), recorded))
        lo += len(idx)
    return Batch(specs, hypers, order, p0[order], groups)


def advance(groups: list[Group], p: np.ndarray, g: np.ndarray, t: int, out: np.ndarray) -> np.ndarray:
    """Step t (1-based) of every row: new points written into out (B, 2), which must not alias p."""
    for gr in groups:
        gr.rule.step(p[gr.rows], g[gr.rows], gr.state, gr.h, t, out[gr.rows])
    return out


class Stepper:
    """Double-buffered stepping with the per-group views made once, so a step costs the rules and one gradient."""

    def __init__(self, groups: list[Group], p0: np.ndarray, grad_into) -> None:
        self.p = [p0.copy(), np.empty_like(p0)]
        self.g = [grad_into(self.p[0], np.empty_like(p0)), np.empty_like(p0)]
        self.grad_into = grad_into
        self.calls = [[(gr.rule.step, self.p[k][gr.rows], self.g[k][gr.rows], gr.state, gr.h,
                        self.p[1 - k][gr.rows]) for gr in groups] for k in (0, 1)]

    def step(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        """Advance to step t (1-based); returns the new points and their gradients (B, 2) (reused buffers)."""
        k = (t - 1) & 1
        for rule, p, g, state, h, out in self.calls[k]:
            rule(p, g, state, h, t, out)
        return self.p[1 - k], self.grad_into(self.p[1 - k], self.g[1 - k])


class ScheduledStepper(Stepper):
    """A Stepper that sets every group's lr (and a cycled momentum or beta1) for step t first, as a torch scheduler
    does between steps; rows on ReduceLROnPlateau get their next lr from their loss after each step.

    lrs (T, B) in row order: lrs[t - 1, r] is row r's lr at step t (core.optim.schedules). hypers: other settings a
    schedule sets per step, name -> (T, B) (CyclicLR's and OneCycleLR's momentum or beta1; each row's own value where
    it is not cycled). plateau: (rows (R,), core.optim.plateau.Plateau over them, value) with value(p (B, 2)) -> (B,)
    the loss; after step t those rows' lr for step t + 1 is plateau.step(loss at their new point), their lrs column
    is not read. A group whose rows share one value gets 0-d arrays and Python floats (the rules' fast form),
    otherwise (B_g, 1) columns. Kept apart from Stepper so a run without a schedule pays nothing.
    """

    def __init__(self, groups: list[Group], p0: np.ndarray, grad_into, lrs: np.ndarray, hypers: dict | None = None,
                 plateau: tuple | None = None) -> None:
        super().__init__(groups, p0, grad_into)
        self.lrs, self.plateau, self.sets, self.dynamic = lrs, plateau, [], []
        dynamic = set()
        if plateau is not None:  # groups with plateau rows: (group, its local plateau rows, their plateau index, rest)
            where = {int(r): j for j, r in enumerate(plateau[0])}
            for k, gr in enumerate(groups):
                local = [(i, where[r]) for i, r in enumerate(range(gr.rows.start, gr.rows.stop)) if r in where]
                if local:
                    dynamic.add(k)
                    rest = np.setdiff1d(np.arange(gr.rows.stop - gr.rows.start), [i for i, _ in local])
                    self.dynamic.append((gr, np.array([i for i, _ in local]), np.array([j for _, j in local]), rest))
        for k, gr in enumerate(groups):
            tables = {} if k in dynamic else {"lr": lrs}
            tables.update({n: tab for n, tab in (hypers or {}).items() if n in gr.h})
            for name, tab in tables.items():
                col = tab[:, gr.rows]
                if np.any(col != 0):
                    gr.h["_on"] = gr.h["_on"] | {name}
                self.sets.append((gr.h, name, *_per_step(col, name in COMPLEMENTS)))
        self._set(1)
        for gr in groups:  # state set from the lr (torch's Rprop step sizes) takes the lr in force at step 1
            gr.state.update(init_state(gr.rule, gr.h, gr.rows.stop - gr.rows.start))

    def _set(self, t: int) -> None:
        for h, name, arrays, floats, comps, nz in self.sets:
            h[name], h["_f"][name] = arrays[t - 1], floats[t - 1]
            if comps is not None:
                h["1-" + name], h["_f"]["1-" + name] = comps[0][t - 1], comps[1][t - 1]
            if nz is None:
                h["_nz"].pop(name, None)
            else:
                h["_nz"][name] = nz[t - 1]
        for gr, local, index, rest in self.dynamic:
            col = self.plateau[1].lr[index]
            if len(rest):
                col = np.empty(gr.rows.stop - gr.rows.start)
                col[local], col[rest] = self.plateau[1].lr[index], self.lrs[t - 1, gr.rows][rest]
            vals = col.tolist()  # a Python scan: NumPy's per-call cost dominates at a race's few rows
            if vals.count(vals[0]) == len(vals):
                gr.h["lr"], gr.h["_f"]["lr"] = np.array(vals[0]), vals[0]
            else:
                gr.h["lr"] = gr.h["_f"]["lr"] = col[:, None]

    def step(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        """Set the lr of step t, then advance to it (and let the plateau rows see their new loss)."""
        self._set(t)
        p, g = super().step(t)
        if self.plateau is not None:
            rows, plateau, value = self.plateau
            plateau.step(value(p)[rows])
        return p, g


def _per_step(col: np.ndarray, complement: bool) -> tuple:
    """A setting's values (T, b) per step as the rules read them: arrays, floats, the 1 - v pair or None, and the
    non-zero mask of a column (None when uniform)."""
    if np.all(col == col[:, :1]):
        floats = col[:, 0].tolist()
        comp = [1 - v for v in floats] if complement else None
        return ([np.array(v) for v in floats], floats, comp and ([np.array(v) for v in comp], comp), None)
    cols = col[:, :, None]
    comp = 1 - cols if complement else None
    return cols, cols, None if comp is None else (comp, comp), cols != 0


def inside(p: np.ndarray, bound: float) -> np.ndarray:
    """Whether points p (..., 2) are finite with max(|x|, |y|) <= bound -> (...) bool (NaN counts as outside)."""
    return (np.abs(p) <= bound).all(axis=-1)


def first_exit(points: np.ndarray, bound: float) -> np.ndarray:
    """First step (>= 1) at which each run of points (T+1, B, 2) is outside the bound, or T+1 if never -> (B,)."""
    out = ~inside(points[1:], bound)
    if not len(out):  # steps = 0: nothing can have left
        return np.full(points.shape[1], points.shape[0])
    hit = out.any(axis=0)
    return np.where(hit, out.argmax(axis=0) + 1, points.shape[0])
