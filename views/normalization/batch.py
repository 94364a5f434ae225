"""The N (batch) slider's fragment: a tick of N reruns only this and re-sends only what N changes (the slider, the
limits note, the cube tab's slots, and the Sequences and Keras tabs, whose tensors have the cube's N).

Browsers handle a rerun's elements one websocket frame at a time, so a tick costs about its element count: the
page draws the fixed text and the controls N does not change once, in full runs, and hands the fragment the
containers to fill (Streamlit >= 1.67 lets a fragment write into containers made before it is called).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from views.normalization import controls, cube, data, keras, sequences
from views.normalization.config import CubeConfig, CubeRow
from views.ui import server


@dataclass(frozen=True)
class Slots:
    """Where the fragment draws besides N's column: the notes under the controls row (an ``st.empty``, filled on every
    run so that a note that first shows on a tick has its place), and the open tab that depends on N (else None)."""

    notes: DeltaGenerator
    cube: cube.CubeSlots | None = None
    sequences: DeltaGenerator | None = None
    keras: DeltaGenerator | None = None


@server.fragment
def batch_views(row: CubeRow, slots: Slots) -> CubeConfig:
    """The N slider (where it is called), the limits note or the tensor's problem, and the views N changes; the
    tensor's config, to the page's first call (a fragment rerun's return value goes nowhere)."""
    cfg = row.with_n(controls.batch_size())
    problem = data.problem(cfg)
    with slots.notes.container():  # empty, it takes no room
        controls.limits_note(cfg)
        if problem:
            st.error(problem)
    if problem:
        return cfg
    if slots.cube is not None:
        cube.fill(cfg, slots.cube)
    if slots.sequences is not None:
        with slots.sequences:
            sequences.sequences(cfg)
    if slots.keras is not None:
        with slots.keras:
            keras.keras_modes(cfg)
    return cfg
