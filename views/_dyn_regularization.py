"""Regularization tabs of the training-dynamics page: dropout, model ensembles, gradient checking.

Each tab function draws its own widgets (URL keys do_*, ens_*, gc_*) and reads the app-wide seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
import torch

from core.datasets import load
from core.dropout import digit_activations, dropout_demo
from core.early_stopping import early_stop
from core.networks import NetSpec, build
from core.train_loop import Curves, TrainData, TrainSettings, train
from views import _ui as ui
from viz.dropout import curves_figure, mask_figure

torch.set_num_threads(1)  # tiny nets: one thread is faster and fair to the other sessions on a shared machine
CHART = dict(width="stretch", config={"displaylogo": False})
P_VALUES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def _seed() -> int:
    return int(st.session_state.get("seed", 0))


@dataclass(frozen=True)
class CurveConfig:
    """One train/validation run on digits: a wide MLP on a small training subset, so it overfits."""

    p: float
    n_train: int = 200
    width: int = 256
    depth: int = 2
    epochs: int = 60
    lr: float = 1e-3
    batch_size: int = 25
    seed: int = 0


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def _curves(cfg: CurveConfig) -> Curves:
    data = TrainData.from_split(load("digits", seed=cfg.seed), cfg.n_train)
    spec = NetSpec(data.n_features, data.n_classes, cfg.depth, cfg.width, "relu", "he", dropout=cfg.p)
    net = build(spec, cfg.seed)  # same seed: both nets start from identical weights
    return train(net, data, TrainSettings(cfg.epochs, cfg.lr, "adam", cfg.batch_size), cfg.seed)


def dropout_tab() -> None:
    """One layer under a dropout mask (train vs test, inverted and classic), then the regularization effect."""
    st.markdown(
        "**Dropout** zeroes each unit of a layer with probability `p` on every training step, so no unit can rely "
        "on a particular partner (Srivastava et al., 2014). At test time nothing is dropped, so the output must be "
        "rescaled to match what the next layer saw on average in training. **Inverted dropout** (PyTorch) divides "
        "the kept units by `1-p` while training and leaves test alone; the **classic** form trains unscaled and "
        "multiplies by the keep probability `1-p` at test. Either way the test output equals the *expected* "
        "training output: the crosses (mean over many masks) land on the diamonds.")
    c = st.columns(3)
    with c[0]:
        p = ui.select_slider("Dropout p (probability of dropping)", P_VALUES, 0.5, key="do_p")
    with c[1]:
        mask = ui.number_input("Mask number", 0, 999, 0, key="do_mask", help="Draw another mask (seeded).")
    with c[2]:
        digit = ui.number_input("Held-out digit", 0, 449, 0, key="do_digit",
                                help="Which test image feeds the layer.")
    seed = _seed()
    a = digit_activations(seed, 32, int(digit))
    demo = dropout_demo(a, float(p), seed * 1000 + int(mask))
    st.plotly_chart(mask_figure(demo), key="do_mask_fig", **CHART)
    _curves_section(float(p), seed)


def _curves_section(p: float, seed: int) -> None:
    st.subheader("Regularization effect and early stopping")
    st.markdown(
        "A wide network (2 x 256 ReLU units) trained with Adam on a **small subset** of the digits memorises it: "
        "the training loss (dotted) falls towards 0 while the validation loss (solid, the held-out 25%) turns up. "
        "Dropout slows the memorising. **Early stopping** keeps the weights of the epoch with the lowest "
        "validation loss (star) and halts once it has not improved for *patience* epochs (dashed line).")
    c = st.columns(3)
    with c[0]:
        n_train = ui.slider("Training examples", 50, 1000, 200, 50, key="do_n")
    with c[1]:
        epochs = ui.slider("Epochs", 10, 150, 60, 10, key="do_ep")
    with c[2]:
        patience = ui.slider("Patience (epochs)", 1, 50, 10, key="do_pat")
    if p == 0.0:
        st.info("With p = 0 both runs are the same network; pick p > 0 above to compare.", icon=":material/info:")
    cfgs = {"plain": CurveConfig(0.0, n_train, epochs=epochs, seed=seed),
            "dropout": CurveConfig(p, n_train, epochs=epochs, seed=seed)}
    bar = st.progress(0.0, text="Training without and with dropout…")
    curves = {}
    try:
        for i, (name, cfg) in enumerate(cfgs.items()):
            curves[name] = _curves(cfg)
            bar.progress((i + 1) / len(cfgs), text=f"{name}: done")
    except ValueError as exc:
        st.error(str(exc))
        return
    finally:
        bar.empty()
    stops = {k: early_stop(c.val_loss, int(patience)) for k, c in curves.items() if c.diverged_at is None}
    for k, c in curves.items():
        if c.diverged_at is not None:
            st.warning(ui.diverged(f"The {k} net", c.diverged_at) + ": its loss is no longer a finite number.")
    st.plotly_chart(curves_figure(curves, stops), key="do_curves", **CHART)
    rows = [{"net": k, "best epoch": s.best, "stops at": f"epoch {s.stop}" if s.stopped else "never",
             "val. loss there": curves[k].val_loss[s.best], "val. accuracy there": curves[k].val_acc[s.best],
             "val. accuracy at the end": curves[k].val_acc[-1]} for k, s in stops.items()]
    st.dataframe(rows, hide_index=True, width="stretch", column_config={
        "val. loss there": st.column_config.NumberColumn(format="%.3f"),
        "val. accuracy there": st.column_config.NumberColumn(format="percent"),
        "val. accuracy at the end": st.column_config.NumberColumn(format="percent")})


def ensemble_tab() -> None:
    """K independently seeded nets and their averaged prediction."""
    st.info("Model ensembles: being built (K seeded nets, averaged probabilities).", icon=":material/construction:")


def gradcheck_tab() -> None:
    """Analytic vs centred finite-difference gradients of a small float64 net."""
    st.info("Gradient checking: being built (analytic vs numerical gradient).", icon=":material/construction:")
