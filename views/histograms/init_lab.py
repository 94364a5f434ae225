"""The init lab tab: CS231n's experiment, unit-Gaussian data through a fresh 10 x 500 net for each init."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from core.activation_capture import LayerStat
from core.layer_stats import forward_stats
from core.networks import INITS
from views.histograms.config import LabConfig
from views.ui import charts
from viz.histograms import init_histograms, init_std_chart

INTRO = (
    "No training here: 1000 unit-Gaussian inputs go through a fresh 10 x 500 network (Stanford CS231n, after "
    "Glorot & Bengio 2010). With weights `0.01 * randn` each layer shrinks the signal until it is 0; with "
    "`randn` tanh saturates at ±1 (and its gradient vanishes); Xavier and He keep the spread healthy. Turn on "
    "batch norm to see it repair any init.")
LAB_DEPTH, LAB_WIDTH, LAB_SAMPLES = 10, 500, 1000
NUMBER = st.column_config.NumberColumn(format="%.3g")
LEGEND_ROWS_PX = 120  # bottom margin: the axis title and two rows of legend


@st.cache_data(max_entries=128, show_spinner=False, hash_funcs={LabConfig: repr})
def forward(cfg: LabConfig) -> list[LayerStat]:
    """Per-layer statistics (LAB_DEPTH of them) of LAB_SAMPLES unit-Gaussian inputs through the lab's fresh net."""
    return forward_stats(LAB_DEPTH, LAB_WIDTH, cfg.activation, cfg.init, LAB_SAMPLES, cfg.seed, cfg.norm)


def init_lab(cfg: LabConfig) -> None:
    """Histograms of each layer's output and input, the std of every init per layer, and the numbers."""
    stats = forward(cfg)
    act, init = cfg.activation, cfg.init
    charts.cached_chart("lab_hist", cfg, lambda: init_histograms(stats, f"{act} output per layer, init {init}"))
    charts.cached_chart("lab_pre", cfg,
                        lambda: init_histograms(stats, f"{act} input (pre-activation) per layer", kind="pre"))
    left, right = st.columns([3, 2])
    charts.cached_chart("lab_std", replace(cfg, init=""), lambda: _std_chart(cfg), where=left)
    rows = [{"layer": i + 1, "mean": s.mean, "std": s.std, "input std": s.pre.std, "saturated": s.saturated}
            for i, s in enumerate(stats)]
    charts.table(rows, where=right, column_config={"mean": NUMBER, "std": NUMBER, "input std": NUMBER,
                                                   "saturated": st.column_config.NumberColumn(format="percent")})


def _std_chart(cfg: LabConfig):
    every = {name: [s.std for s in forward(replace(cfg, init=name))] for name in INITS}
    fig = init_std_chart(every, {k: k for k in INITS}, cfg.activation)
    return legend_below(fig, f"{cfg.activation} output std per layer")


def legend_below(fig, title: str):
    """The legend in rows under the plot and a title that fits a two-fifths column: six inits in the title row ran
    over the title, and the long title was cut at the column's edge at 1024 px."""
    fig.update_layout(title_text=title, margin=dict(t=50, b=LEGEND_ROWS_PX),
                      legend=dict(orientation="h", yref="container", y=0.0, yanchor="bottom", x=0.5, xanchor="center"))
    # Fresh title objects: the grid's axes share one title dict, and its ``title_text`` keys never reach the browser.
    fig.layout.xaxis.title = dict(text="layer", font=dict(size=14))
    fig.layout.yaxis.title = dict(text="std (log scale)", font=dict(size=14))
    return fig
