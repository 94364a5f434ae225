"""Expression trees (core.surfaces.symbolic's node format) evaluated: a compiled NumPy program and a torch walk."""

from __future__ import annotations

import numpy as np

from core.surfaces.symbolic import FUNCTIONS, OPERATIONS


class Program:
    """Trees compiled to one straight-line NumPy program; shared subtrees are computed once per call."""

    def __init__(self, trees) -> None:
        self._slots: dict = {}
        self._consts: list = []  # (slot, value)
        self._code: list = []  # (slot, ufunc, arg slots)
        self._vars = {}
        self._seen: dict = {}  # id(node) -> slot: a derivative shares subtrees, each is emitted once
        self._out = [self._emit(t) for t in trees]
        del self._seen  # ids are only meaningful while the trees are alive

    def _emit(self, node) -> int:
        if id(node) not in self._seen:
            self._seen[id(node)] = self._emit_once(node)
        return self._seen[id(node)]

    def _emit_once(self, node) -> int:
        kind = node[0]
        if kind == "num":
            key = ("num", float(node[1]))
        elif kind == "var":
            key = node[:2]
        else:
            key = (kind, node[1] if kind == "call" else "", *(self._emit(c) for c in node[1:] if isinstance(c, tuple)))
        if key not in self._slots:
            slot = self._slots[key] = len(self._slots)
            if kind == "num":
                self._consts.append((slot, np.float64(key[1])))
            elif kind == "var":
                self._vars[key[1]] = slot
            else:
                self._code.append((slot, FUNCTIONS[key[1]][0] if kind == "call" else OPERATIONS[kind], key[2:]))
        return self._slots[key]

    def __call__(self, x, y) -> list:
        """The outputs at x, y (arrays of one shape); a constant output comes back as a scalar."""
        regs = [None] * len(self._slots)
        for slot, v in self._consts:
            regs[slot] = v
        if "x" in self._vars:
            regs[self._vars["x"]] = x
        if "y" in self._vars:
            regs[self._vars["y"]] = y
        for slot, fn, args in self._code:
            regs[slot] = fn(*[regs[a] for a in args])
        return [regs[i] for i in self._out]


_TORCH = {"+": "add", "-": "sub", "*": "mul", "/": "div", "**": "pow", "max": "maximum", "min": "minimum",
          "<": "lt", "<=": "le", ">": "gt", ">=": "ge", "==": "eq"}


def evaluate_torch(node, x, y, torch):
    """Value of the tree at torch tensors x, y by a plain walk with torch's own ops (torch.maximum, torch.where,
    torch.relu...): the autograd oracle's independent path."""
    kind = node[0]
    if kind == "num":
        return torch.full_like(x, node[1])
    if kind == "var":
        return x if node[1] == "x" else y
    if kind == "neg":
        return -evaluate_torch(node[1], x, y, torch)
    if kind == "call":
        return getattr(torch, FUNCTIONS[node[1]][1])(evaluate_torch(node[2], x, y, torch))
    args = [evaluate_torch(c, x, y, torch) for c in node[1:]]
    return torch.where(*args) if kind == "where" else getattr(torch, _TORCH[kind])(*args)
