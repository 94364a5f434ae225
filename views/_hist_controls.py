"""Controls of the activation-histogram page: presets and the URL-bound settings of the live pair."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.datasets import DATASETS
from core.networks import ACTIVATIONS, INITS, NORMS
from core.optimizers import OPTIMIZERS
from views import _ui as ui
from views._hist_data import OWN, TITLE, uploader

LR_GRID = [1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 100.0, 1e4]
BATCHES = [1, 2, 4, 8, 16, 32, 60, 64, 128, 256, 512, 1024, 2048]
NORM_TITLES = {"batch": "Batch norm", "layer": "Layer norm", "group": "Group norm", "none": "No normalization"}
PRESETS = {
    "BN paper Figure 1": dict(data="digits", arch="mlp", depth=3, width=100, act="sigmoid", init="xavier",
                              norm="batch", place="before", res=False, drop=0.0, opt="sgd", lr=0.5, batch=60),
    "CS231n init": dict(data="digits", arch="mlp", depth=10, width=500, act="tanh", init="normal_0.01",
                        norm="batch", place="before", res=False, drop=0.0, opt="sgd", lr=0.1, batch=60),
    "small batches: BN vs GN": dict(data="digits", arch="mlp", depth=3, width=64, act="relu", init="he",
                                    norm="group", place="before", res=False, drop=0.0, opt="sgd", lr=0.05,
                                    batch=2),
}
DEFAULT = PRESETS["BN paper Figure 1"]


@dataclass(frozen=True)
class PairConfig:
    """Structural settings: changing any of them rebuilds the pair from step 0 (lr is not among them)."""

    dataset: str
    arch: str
    depth: int
    width: int
    activation: str
    init: str
    norm: str
    placement: str
    residual: bool
    dropout: float
    optimizer: str
    batch_size: int
    seed: int
    upload: str = ""  # digest of this session's uploaded CSV (dataset "csv"); the data stay in session_state


def _apply_preset() -> None:
    for k, v in PRESETS.get(st.session_state["preset"], {}).items():
        st.session_state[k] = v


def controls() -> tuple[PairConfig, float]:
    """Sidebar widgets of the live pair; returns its structural config and the learning rate."""
    d = DEFAULT
    with st.sidebar:
        st.subheader("Network and training")
        ui.selectbox("Preset", list(PRESETS), key="preset", on_change=_apply_preset,
                     help="Loads a classic setting; every control below stays editable.")
        seed = int(st.session_state.get("seed", 0))
        data = ui.selectbox("Dataset", [*DATASETS, OWN], key="data",
                            format_func=lambda k: DATASETS[k].title if k in DATASETS else TITLE)
        upload = uploader(seed) if data == OWN else ""
        arch = ui.radio("Architecture", ["mlp", "cnn"], key="arch", horizontal=True,
                        format_func=lambda k: {"mlp": "MLP", "cnn": "small CNN"}[k])
        depth = ui.slider("Depth", 1, 20, d["depth"], key="depth", help="Hidden layers.")
        width = ui.select_slider("Width", [8, 16, 32, 64, 100, 128, 256, 500, 512], d["width"], key="width",
                                 help="Units (MLP) or channels (CNN) per hidden layer.")
        act = ui.selectbox("Activation", list(ACTIVATIONS), key="act", index=list(ACTIVATIONS).index(d["act"]))
        init = ui.selectbox("Weight init", list(INITS), key="init", index=list(INITS).index(d["init"]),
                            help="; ".join(f"{k}: {v}" for k, v in INITS.items()))
        norms = [n for n in NORMS if n != "none"]
        norm = ui.radio("Normalization of the second net", norms, key="norm", horizontal=True,
                        format_func=lambda k: NORM_TITLES[k])
        place = ui.radio("Placement", ["before", "after"], key="place", horizontal=True,
                         format_func=lambda k: f"{k} the activation",
                         help="The BN paper normalizes the activation's input and drops the linear bias.")
        res = ui.checkbox("Residual connections", False, key="res")
        drop = ui.slider("Dropout p", 0.0, 0.9, 0.0, 0.05, key="drop")
        opt = ui.selectbox("Optimizer", list(OPTIMIZERS), key="opt", format_func=lambda k: OPTIMIZERS[k].title)
        batch = ui.select_slider("Batch size", BATCHES, d["batch"], key="batch")
        lr = ui.select_slider("Learning rate", LR_GRID, d["lr"], key="lr", format_func=lambda v: f"{v:g}",
                              help="Changing it does not restart training.")
        st.caption("Changing the **learning rate** keeps training from the current step; any other setting "
                   "above restarts both nets from step 0.")
    cfg = PairConfig(data, arch, depth, width, act, init, norm, place, res, float(drop), opt, batch, seed, upload)
    return cfg, float(lr)
