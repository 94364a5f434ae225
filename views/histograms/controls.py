"""Controls of the activation-histogram page: presets and the sidebar settings of the live pair, the view radios
of the live chart, the init lab's and the batch-size experiment's settings; each returns its frozen config."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import streamlit as st

from core.batch_size_experiment import BatchSizeConfig
from core.datasets import DATASETS
from core.networks import ACTIVATIONS, INITS, NORMS
from core.optim.presets import LR_GRID
from core.optim.registry import OPTIMIZERS
from views.histograms.config import LabConfig, LayerView, PairConfig
from views.histograms.upload import OWN, TITLE, fit_batch, uploader
from views.ui import frame, widgets

# The app's lr grid plus learning rates that make any net diverge (the page shows what divergence looks like).
LIVE_LRS = (*LR_GRID, 100.0, 1e4)
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
KINDS = {"pre": "pre-activation", "post": "post-activation", "grad": "gradient"}
LAYOUTS = {"side": "side by side", "nets": "nets on one axis", "steps": "steps on one axis"}


def _apply_preset() -> None:
    for k, v in PRESETS.get(st.session_state["preset"], {}).items():
        st.session_state[k] = v


def pair() -> tuple[Callable[..., PairConfig], float, Any]:
    """Sidebar widgets of the live pair but Depth, whose place is kept: returns its structural config as a function
    of ``depth=``, the learning rate, and that place (the Depth fragment draws ``depth()`` there)."""
    with st.sidebar:
        st.subheader("Network and training")
        widgets.selectbox("Preset", list(PRESETS), key="preset", on_change=_apply_preset,
                          help="Loads a classic setting; every control below stays editable.")
        seed = frame.seed()
        data = widgets.selectbox("Dataset", [*DATASETS, OWN], key="data",
                                 format_func=lambda k: DATASETS[k].title if k in DATASETS else TITLE)
        upload = uploader(seed) if data == OWN else ""
        arch = widgets.radio("Architecture", ["mlp", "cnn"], key="arch", horizontal=True,
                             format_func=lambda k: {"mlp": "MLP", "cnn": "small CNN"}[k])
        depth_slot = st.container()
        width = widgets.select_slider("Width", [8, 16, 32, 64, 100, 128, 256, 500, 512], DEFAULT["width"],
                                      key="width", help="Units (MLP) or channels (CNN) per hidden layer.")
        act = widgets.selectbox("Activation", list(ACTIVATIONS), key="act",
                                index=list(ACTIVATIONS).index(DEFAULT["act"]))
        init = widgets.selectbox("Weight init", list(INITS), key="init", index=list(INITS).index(DEFAULT["init"]),
                                 help="; ".join(f"{k}: {v}" for k, v in INITS.items()))
        norms = [n for n in NORMS if n != "none"]
        norm = widgets.radio("Normalization of the second net", norms, key="norm", horizontal=True,
                             format_func=lambda k: NORM_TITLES[k])
        place = widgets.radio("Placement", ["before", "after"], key="place", horizontal=True,
                              format_func=lambda k: f"{k} the activation",
                              help="The BN paper normalizes the activation's input and drops the linear bias.")
        res = widgets.checkbox("Residual connections", False, key="res")
        drop = widgets.slider("Dropout p", 0.0, 0.9, 0.0, 0.05, key="drop")
        opt = widgets.selectbox("Optimizer", list(OPTIMIZERS), key="opt",
                                format_func=lambda k: OPTIMIZERS[k].title)
        batch = widgets.select_slider("Batch size", BATCHES, DEFAULT["batch"], key="batch")
        batch = fit_batch(batch, upload) if upload else batch  # a small file trains on all its rows, said so
        lr = widgets.select_slider("Learning rate", LIVE_LRS, DEFAULT["lr"], key="lr",
                                   format_func=lambda v: f"{v:g}", help="Changing it does not restart training.")
        st.caption("Changing the **learning rate** keeps training from the current step; any other setting "
                   "above restarts both nets from step 0.")
    cfg = partial(PairConfig, dataset=data, arch=arch, width=width, activation=act, init=init, norm=norm,
                  placement=place, residual=res, dropout=float(drop), optimizer=opt, batch_size=batch, seed=seed,
                  upload=upload)
    return cfg, float(lr), depth_slot


def depth() -> int:
    """The Depth slider (drawn by the Depth fragment, in the place ``pair`` kept for it in the sidebar)."""
    return widgets.slider("Depth", 1, 20, DEFAULT["depth"], key="depth", help="Hidden layers.")


def layer_view(left, right) -> LayerView:
    """The statistic radio and the all-layers toggle in ``left``, the layout radio (off while all show) in ``right``
    (both may be the same row)."""
    with left:
        kind = widgets.radio("Show", list(KINDS), key="kind", horizontal=True, format_func=KINDS.get)
        every = widgets.toggle("Show all layers", False, key="hall",
                               help="Every hidden layer in a grid, both nets on one axis per layer; no clicking "
                                    "needed.")
    with right:
        layout = widgets.radio("Layout", list(LAYOUTS), key="hlay", horizontal=True, format_func=LAYOUTS.get,
                               disabled=every)
    return LayerView(kind, layout, every)


def shown_kind() -> str:
    """The statistic the histogram chart shows ("pre", "post" or "grad"): the time view below follows it."""
    return st.session_state.get("kind", "pre")


def lab(shown: bool = True) -> LabConfig:
    """The init lab's three settings in a row, with the app-wide seed. ``shown``: the tab is open; a closed tab
    still draws them (they keep their link values) but without the row's three columns, four elements fewer to
    send and render on every rerun of the live view."""
    c = widgets.row(3, shown)
    with c[0]:
        act = widgets.selectbox("Activation ", list(ACTIVATIONS), key="lab_act",
                                index=list(ACTIVATIONS).index("tanh"))
    with c[1]:
        init = widgets.selectbox("Init", list(INITS), key="lab_init", format_func=lambda k: k)
    with c[2]:
        norm = widgets.radio("Normalization ", ["none", "batch"], key="lab_norm", horizontal=True,
                             format_func=lambda k: {"none": "none", "batch": "batch norm"}[k])
    return LabConfig(act, init, norm, frame.seed())


def batch_steps() -> int:
    """The steps slider of the batch-size experiment (drawn by the page run: a Depth tick does not change it)."""
    return widgets.slider("Steps per run", 50, 1000, 150, 50, key="bs_steps")


def batch_size(pair: PairConfig, lr: float, steps: int) -> BatchSizeConfig:
    """The batch-size experiment's config: the sidebar's net, optimizer and lr, ``steps`` per run."""
    return BatchSizeConfig(pair.dataset, pair.depth, pair.width, pair.activation, pair.init, pair.optimizer, lr,
                           steps, pair.seed)
