"""The Equations tab: each racing optimizer's rule, and one step of it with the run's numbers plugged in."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.optim.plugged import plugged
from core.optim.registry import OPTIMIZERS
from views.optimizers.data import Race
from views.ui import frame, widgets

# Where a rule's statements meet at the top level: ", \quad", ", \;", "; \;" and explicit line breaks.
_BREAKS = (r",\quad", r",\;", r";\;", "\\\\")


def one_per_line(tex: str) -> str:
    """A rule's statements one per line (a gathered block), so a long rule (Adadelta's five) wraps instead of
    running past the column; breaks only at the top level, never inside braces or an environment (RAdam's cases)."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(tex):
        if tex.startswith(r"\begin", i) or tex[i] == "{":
            depth += 1
        elif tex.startswith(r"\end", i) or tex[i] == "}":
            depth -= 1
        hit = next((b for b in _BREAKS if tex.startswith(b, i)), None) if depth == 0 else None
        if hit:
            parts.append(tex[start:i])
            i = start = i + len(hit)
            continue
        i += 1
    parts = [p.strip() for p in [*parts, tex[start:]] if p.strip()]
    return parts[0] if len(parts) == 1 else r"\begin{gathered}" + r"\\[2pt]".join(parts) + r"\end{gathered}"


def plugged_step(who: str, traj, k: int) -> None:
    """Step k -> k+1 of one run with its numbers, or why it cannot be shown."""
    k = min(k, len(traj.points) - 2)  # the last point has no step after it
    if traj.diverged_at is not None and k >= traj.diverged_at - 1:
        st.caption(f"{frame.diverged(who, traj.diverged_at)}, so step {k} → {k + 1} does not exist.")
        return
    step = plugged(traj, k)
    st.markdown(f"**{who}, step {k} → {k + 1}, numbers plugged in** (vectors are (x, y), operations per coordinate)")
    st.latex(r"\begin{aligned}" + r"\\[4pt]".join(step.lines) + r"\end{aligned}")
    if not np.allclose(step.result, traj.points[k + 1], rtol=1e-9, atol=1e-12):
        st.info("This step used a scheduled lr (or a momentum / β₁ the schedule cycles), so the rule above with the "
                "base values lands elsewhere than the run.")


def show(race: Race, steps: int) -> None:
    """Every rule, then the same rule at the chosen step with the run's gradient, state and result."""
    k = widgets.slider("Step", 0, steps, min(10, steps), key="eq_k", help="The step whose arithmetic is shown.")
    st.caption(f"Every rule below is also written out at step {k} → {k + 1} (pick the step with the slider above) "
               "with the run's gradient, state and result plugged in; vectors are (x, y) and act per coordinate. "
               "The last line's result is the engine's next point.")
    for run, traj in zip(race.runs, race.trajs, strict=True):
        spec = OPTIMIZERS[run.optimizer]
        st.markdown(f"**{spec.title}**")
        if frame.show_equations():
            st.latex(one_per_line(spec.latex))
            plugged_step(spec.title, traj, k)
        st.caption(spec.note)
