"""The batch-size experiment tab: accuracy after a fixed number of steps vs batch size for BN, GN and none."""

from __future__ import annotations

import streamlit as st

from core.batch_size_experiment import BatchSizeConfig, BatchSizeResult, Cell, run_cell
from views.histograms.upload import OWN
from views.ui import charts
from viz.training_curves import batch_size_chart

INTRO = (
    "Each point trains a fresh network (same initial weights) for the same number of steps with one batch "
    "size. Batch norm estimates its statistics from the batch: with 2 or 4 examples that estimate is noise, "
    "and its running averages no longer match what training saw. Group norm normalizes within each example, "
    "so it does not care. The network, optimizer and learning rate are those of the sidebar.")
RESULT = "hist_bs_result"  # session_state: the last BatchSizeResult this session ran (the button draws, not reruns)


@st.cache_data(max_entries=512, show_spinner=False, hash_funcs={BatchSizeConfig: repr})
def cell(cfg: BatchSizeConfig, norm: str, batch_size: int) -> Cell:
    """One trained net of the sweep: ``norm`` with ``batch_size``, cached across sessions."""
    return run_cell(cfg, norm, batch_size)


def experiment(cfg: BatchSizeConfig) -> None:
    """Run button with progress, then the last result's chart (Wu & He 2018, Figure 1) and any divergences."""
    if cfg.dataset == OWN:
        st.info("This experiment runs on the built-in datasets; choose one under **Dataset** in the sidebar.",
                icon=":material/info:")
        return
    if st.button("Run experiment", icon=":material/science:", key="bs_run"):
        _run(cfg)
    result = st.session_state.get(RESULT)
    if result is None:
        st.info("Press **Run experiment** (about 10 s; results are cached).", icon=":material/info:")
        return
    if result.config != cfg:
        st.caption("Showing the last run; the settings have changed since. Run again to update.")
    charts.chart(batch_size_chart(result), "bs_chart")
    diverged = [f"{c.norm} at batch {c.batch_size}" for c in result.cells if c.diverged_at]
    if diverged:
        st.warning("Diverged (no point drawn): " + ", ".join(diverged) + ". Lower the learning rate.")


def _run(cfg: BatchSizeConfig) -> None:
    jobs = [(n, b) for n in cfg.norms for b in cfg.batch_sizes]
    bar = st.progress(0.0, text="Training…")
    cells = []
    try:
        for i, (norm, b) in enumerate(jobs):
            cells.append(cell(cfg, norm, b))
            bar.progress((i + 1) / len(jobs), text=f"{norm} norm, batch {b} ({i + 1}/{len(jobs)})")
    except ValueError as exc:
        st.error(str(exc))
    else:
        st.session_state[RESULT] = BatchSizeResult(cfg, tuple(cells))
    bar.empty()
