"""Regularization tabs of the training-dynamics page: dropout, model ensembles, gradient checking.

Each tab function draws its own widgets (URL keys do_*, ens_*, gc_*) and reads the app-wide seed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import streamlit as st
import torch

from core.datasets import load
from core.dropout import digit_activations, dropout_demo
from core.early_stopping import early_stop
from core.ensembles import K_RANGE, EnsembleConfig, Member, result_of, train_member
from core.gradcheck import BUGS, SHAPES, check, h_sweep, make_problem, torch_verdict
from core.networks import NetSpec, build
from core.train_loop import Curves, TrainData, TrainSettings, train
from views import _ui as ui
from viz.dropout import curves_figure, mask_figure
from viz.ensembles import ensemble_figure
from viz.gradcheck import h_curve, tensor_errors, verdict

CHART = dict(width="stretch", config={"displaylogo": False})
P_VALUES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def _seed() -> int:
    return int(st.session_state.get("seed", 0))


@dataclass(frozen=True)
class CurveConfig:
    """One train/validation run on digits: a wide MLP on a small training subset, so it overfits."""

    p: float
    n_train: int = 300
    width: int = 128
    depth: int = 2
    epochs: int = 40
    lr: float = 3e-3
    batch_size: int = 30
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
    if st.session_state.get("eq", True):
        st.latex(r"m_i \sim \mathrm{Bernoulli}(1-p):\quad \text{inverted } \frac{m \odot a}{1-p} \text{ (train)},\; a "
                 r"\text{ (test)};\qquad \text{classic } m \odot a \text{ (train)},\; (1-p)\,a \text{ (test)}")
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
        "A wide network (2 x 128 ReLU units) trained with Adam on a **small subset** of the digits memorises it: "
        "the training loss falls towards 0 while the validation loss (on the held-out 25%) turns back up. "
        "Dropout slows the memorising. **Early stopping** keeps the weights of the epoch with the lowest "
        "validation loss (star) and halts once it has not improved for *patience* epochs (dashed line).")
    c = st.columns(3)
    with c[0]:
        n_train = ui.slider("Training examples", 50, 1000, 300, 50, key="do_n")
    with c[1]:
        epochs = ui.slider("Epochs", 10, 150, 40, 10, key="do_ep")
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


@st.cache_data(max_entries=256, ttl=3600, show_spinner=False)
def _member(cfg: EnsembleConfig, i: int) -> Member:
    return train_member(cfg, i)


def ensemble_tab() -> None:
    """K independently seeded nets, each member's accuracy and that of their averaged probabilities."""
    st.markdown(
        "Train the same network **K times**, changing only the seed (initial weights, mini-batch order), and "
        "average the predicted class **probabilities**. The members make partly different mistakes, so the "
        "average is usually better than the typical member and often better than the best one: a reliable "
        "few-percent gain that costs K times the training and K times the prediction (CS231n, *Model "
        "ensembles*). The gain is largest when the members are unsure, here on a small training subset.")
    if st.session_state.get("eq", True):
        st.latex(r"p_{\text{ensemble}}(y \mid x) = \frac{1}{K} \sum_{k=1}^{K} p_k(y \mid x)")
    c = st.columns(4)
    with c[0]:
        k = ui.slider("Members K", K_RANGE[0], K_RANGE[1], 5, key="ens_k")
    with c[1]:
        n_train = ui.slider("Training examples ", 100, 1000, 300, 50, key="ens_n")
    with c[2]:
        width = ui.select_slider("Width", (16, 32, 64, 128, 256), 64, key="ens_w")
    with c[3]:
        epochs = ui.slider("Epochs ", 5, 60, 20, 5, key="ens_ep")
    cfg = EnsembleConfig(int(k), int(n_train), int(width), epochs=int(epochs), seed=_seed())
    shared = replace(cfg, k=K_RANGE[0])  # members do not depend on K: growing K reuses the cached ones
    bar = st.progress(0.0, text="Training the members…")
    try:
        cfg.validate()
        members = []
        for i in range(cfg.k):
            members.append(_member(shared, i))
            bar.progress((i + 1) / cfg.k, text=f"Member {i + 1} of {cfg.k} trained")
        res = result_of(cfg, members)
    except ValueError as exc:
        st.error(str(exc))
        return
    finally:
        bar.empty()
    bad = [str(i + 1) for i, m in enumerate(members) if m.diverged_at is not None]
    if bad:
        st.warning("Member(s) " + ", ".join(bad) + " diverged (non-finite loss) and count as wrong everywhere.")
    m = st.columns(3)
    m[0].metric("Ensemble accuracy", f"{res.ensemble_acc:.1%}")
    m[1].metric("Gain vs the mean single net", f"{res.gain_vs_mean * 100:+.1f} points")
    m[2].metric("Gain vs the best single net", f"{res.gain_vs_best * 100:+.1f} points")
    st.plotly_chart(ensemble_figure(res), key="ens_fig", **CHART)
    st.caption(f"{cfg.k} members x {res.steps // cfg.k} Adam steps each = {res.steps} steps: K times the cost "
               "of one net. Validation = the held-out 25% of digits, the same rows for every member.")


H_VALUES = tuple(float(f"{10 ** (e / 2):.0e}") for e in range(-24, 1))


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def _h_curves(seed: int, bug: str) -> dict[str, np.ndarray]:
    hs = np.array(H_VALUES)
    out = {"float64": h_sweep(make_problem(seed), hs), "float32": h_sweep(make_problem(seed, torch.float32), hs)}
    if bug != "none":
        out["float64 with the bug"] = h_sweep(make_problem(seed), hs, bug)
    return out


def gradcheck_tab() -> None:
    """Analytic (hand-written backward) vs centred finite-difference gradients of a small float64 net."""
    st.markdown(
        "Before trusting a hand-written backward pass, compare it with the **centred difference** "
        "`n = (L(θ + h) - L(θ - h)) / 2h` for every parameter, in **float64**, through the relative error "
        "`|a - n| / max(|a|, |n|)` of each parameter tensor (with `|·|` the norm of the whole tensor). For a "
        "smooth net (tanh, softmax) below **1e-7** is right and above **1e-4** is a bug (CS231n). The net: "
        "10 examples x 4 features → linear 4×6 → tanh → linear 6×3 → softmax cross-entropy + L2 penalty, each "
        "layer with a hand-written backward. Plant a bug and see which tensors it shows up in.")
    if st.session_state.get("eq", True):
        st.latex(r"n_i = \frac{L(\theta + h e_i) - L(\theta - h e_i)}{2h},\qquad \text{relative error} = "
                 r"\frac{\lVert a - n \rVert}{\max(\lVert a \rVert, \lVert n \rVert)}")
    c = st.columns([3, 2])
    with c[0]:
        bug = ui.selectbox("Planted bug", list(BUGS), key="gc_bug")
        st.caption(BUGS[bug])
    with c[1]:
        h = ui.select_slider("Step h", H_VALUES, 1e-5, key="gc_h", format_func=lambda v: f"{v:.0e}")
    seed = _seed()
    prob = make_problem(seed)
    res = check(prob, bug, float(h))
    passes = torch_verdict(prob, bug)
    worst = res.worst
    say = {"fine": st.success, "suspicious": st.warning, "wrong": st.error}[verdict(worst)]
    say(f"Largest relative error {worst:.1e} at h = {h:.0e}: **{verdict(worst)}**. "
        f"torch.autograd.gradcheck on the same layers: **{'passes' if passes else 'fails'}**.")
    left, right = st.columns(2)
    left.plotly_chart(tensor_errors(res), key="gc_tensors", **CHART)
    curves = _h_curves(seed, bug)
    right.plotly_chart(h_curve(np.array(H_VALUES), curves, float(h)), key="gc_h_fig", **CHART)
    st.dataframe([{"tensor": k, "shape": " × ".join(map(str, SHAPES[k])), "relative error": e,
                   "worst single entry": res.worst_entry[k], "verdict": verdict(e)}
                  for k, e in res.per_tensor.items()], hide_index=True, width="stretch", column_config={
        k: st.column_config.NumberColumn(format="%.1e") for k in ("relative error", "worst single entry")})
    st.markdown(
        "**Choosing h.** The centred difference is off by about h² (truncation) but subtracts two nearly equal "
        "losses, losing about eps / h to round-off (eps ≈ 1e-16 in float64, 1e-7 in float32). The best h sits "
        f"in between, near 1e-5 in float64 (best here {curves['float64'].min():.0e}); in float32 no h gets below "
        f"{curves['float32'].min():.0e}, so gradient checks use float64. Entry by entry the error is larger "
        "where a gradient is close to 0 (round-off over a tiny denominator), which is why the verdict reads "
        "whole tensors.")
