"""The init lab and the batch-size experiment tabs of the activation-histogram page."""

from __future__ import annotations

import streamlit as st

from core.batch_size_experiment import BatchSizeConfig, BatchSizeResult, run_cell
from core.layer_stats import forward_stats
from core.networks import ACTIVATIONS, INITS
from views import _ui as ui
from views._hist_controls import PairConfig
from views._hist_data import OWN
from views._hist_export import chart
from viz.histograms import init_histograms, init_std_chart
from viz.training_curves import batch_size_chart

LAB_DEPTH, LAB_WIDTH, LAB_SAMPLES = 10, 500, 1000


@st.cache_data(max_entries=128, show_spinner=False)
def _forward_stats(activation: str, init: str, norm: str, seed: int):
    return forward_stats(LAB_DEPTH, LAB_WIDTH, activation, init, LAB_SAMPLES, seed, norm)


@st.cache_data(max_entries=512, show_spinner=False)
def _cell(cfg: BatchSizeConfig, norm: str, batch_size: int):
    return run_cell(cfg, norm, batch_size)


def init_lab_tab() -> None:
    """CS231n's experiment: unit-Gaussian data through 10 tanh layers of 500 units, for each init."""
    st.markdown(
        "No training here: 1000 unit-Gaussian inputs go through a fresh 10 x 500 network (Stanford CS231n, after "
        "Glorot & Bengio 2010). With weights `0.01 * randn` each layer shrinks the signal until it is 0; with "
        "`randn` tanh saturates at ±1 (and its gradient vanishes); Xavier and He keep the spread healthy. Turn on "
        "batch norm to see it repair any init.")
    c = st.columns(3)
    with c[0]:
        act = ui.selectbox("Activation ", list(ACTIVATIONS), key="lab_act", index=list(ACTIVATIONS).index("tanh"))
    with c[1]:
        init = ui.selectbox("Init", list(INITS), key="lab_init", format_func=lambda k: k)
    with c[2]:
        norm = ui.radio("Normalization ", ["none", "batch"], key="lab_norm", horizontal=True,
                        format_func=lambda k: {"none": "none", "batch": "batch norm"}[k])
    seed = int(st.session_state.get("seed", 0))
    stats = _forward_stats(act, init, norm, seed)
    chart(init_histograms(stats, f"{act} output per layer, init {init}"), "lab_hist")
    chart(init_histograms(stats, f"{act} input (pre-activation) per layer", kind="pre"), "lab_pre")
    every = {name: [s.std for s in _forward_stats(act, name, norm, seed)] for name in INITS}
    left, right = st.columns([3, 2])
    chart(init_std_chart(every, {k: k for k in INITS}, act), "lab_std", left)
    right.dataframe([{"layer": i + 1, "mean": s.mean, "std": s.std, "input std": s.pre.std,
                      "saturated": s.saturated} for i, s in enumerate(stats)], hide_index=True, width="stretch",
                    column_config={**{k: st.column_config.NumberColumn(format="%.3g") for k in ("mean", "std",
                                                                                             "input std")},
                                   "saturated": st.column_config.NumberColumn(format="percent")})


def batch_size_tab(pair: PairConfig, lr: float) -> None:
    """Accuracy after a fixed number of steps vs batch size for BN, GN and none (Wu & He 2018, Figure 1)."""
    st.markdown(
        "Each point trains a fresh network (same initial weights) for the same number of steps with one batch "
        "size. Batch norm estimates its statistics from the batch: with 2 or 4 examples that estimate is noise, "
        "and its running averages no longer match what training saw. Group norm normalizes within each example, "
        "so it does not care. The network, optimizer and learning rate are those of the sidebar.")
    steps = ui.slider("Steps per run", 50, 1000, 150, 50, key="bs_steps")
    if pair.dataset == OWN:
        st.info("This experiment runs on the built-in datasets; choose one under **Dataset** in the sidebar.",
                icon=":material/info:")
        return
    cfg = BatchSizeConfig(pair.dataset, pair.depth, pair.width, pair.activation, pair.init, pair.optimizer, lr,
                          steps, pair.seed)
    key = "hist_bs_result"
    if st.button("Run experiment", icon=":material/science:", key="bs_run"):
        jobs = [(n, b) for n in cfg.norms for b in cfg.batch_sizes]
        bar = st.progress(0.0, text="Training…")
        cells = []
        try:
            for i, (norm, b) in enumerate(jobs):
                cells.append(_cell(cfg, norm, b))
                bar.progress((i + 1) / len(jobs), text=f"{norm} norm, batch {b} ({i + 1}/{len(jobs)})")
        except ValueError as exc:
            st.error(str(exc))
        else:
            st.session_state[key] = BatchSizeResult(cfg, tuple(cells))
        bar.empty()
    result = st.session_state.get(key)
    if result is None:
        st.info("Press **Run experiment** (about 10 s; results are cached).", icon=":material/info:")
        return
    if result.config != cfg:
        st.caption("Showing the last run; the settings have changed since. Run again to update.")
    chart(batch_size_chart(result), "bs_chart")
    diverged = [f"{c.norm} at batch {c.batch_size}" for c in result.cells if c.diverged_at]
    if diverged:
        st.warning("Diverged (no point drawn): " + ", ".join(diverged) + ". Lower the learning rate.")
