"""The optimizer page's cached computations: surfaces with their grids, races and sweep bands.

A module, not the page script, because a page script runs again on every rerun, and with it each cache decorator
(which re-reads its function's source).
"""

import numpy as np
import streamlit as st

from core.optimizers import run_batch, sweep
from core.surfaces import get_surface


@st.cache_resource(max_entries=64, show_spinner=False)  # a Surface holds functions: shared, not pickled
def surface_grid(name: str, kappa: float, angle: float, expr: str):
    params = {"kappa": kappa, "angle": angle} if name == "quadratic" else {"expr": expr} if name == "custom" else {}
    s = get_surface(name, **params)
    return s, s.grid(160)


@st.cache_data(max_entries=64, show_spinner=False)
def race(key: tuple, configs: tuple, start: tuple, steps: int, **extra):
    """extra: schedule, noise, seed, paths of run_batch (views._opt_noise.run_kwargs)."""
    surface, _ = surface_grid(*key)
    return run_batch([(n, dict(h)) for n, h in configs], surface, start, steps, **extra)


SWEEP_X, SWEEP_Y = np.geomspace(1e-4, 1.0, 64), np.linspace(0.0, 0.99, 64)


@st.cache_data(max_entries=64, show_spinner=False)
def sweep_rows(key: tuple, name: str, start: tuple, steps: int, yname: str, rows: slice):
    """One band of the 64 x 64 sweep; bands are cached separately so the page can show progress between them."""
    surface, _ = surface_grid(*key)
    return sweep(name, surface, start, steps, x=("lr", SWEEP_X), y=(yname, SWEEP_Y[rows]))
