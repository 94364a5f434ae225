"""The learning-rate tab: loss curves at labelled learning rates and a range test, on the digits with a small MLP."""

from __future__ import annotations

import math

import streamlit as st

from core.lr_range import LR_PRESETS, RULES, Curve, LRConfig
from core.optim.presets import LR_GRID
from core.optim.registry import OPTIMIZERS
from views.dynamics.config import LRCurvesConfig, lr_label
from views.dynamics.data import lr_run, range_run
from views.ui import charts, frame, widgets
from viz.lr_curves import loss_curves, range_plot

MINE = "lr_mine"  # the session key of "Your learning rate": the suggestion button writes it too
INTRO = (
    "The same network (two hidden ReLU layers of 64, same initial weights, same mini-batches) trained on the "
    "8×8 digits at four learning rates, labelled as CS231n draws them: a **low** lr creeps down almost "
    "linearly, a **high** one drops fast and then gets stuck above the others, a **very high** one blows up, "
    "and a **good** one keeps falling. The dashed curve is your lr. A run whose loss is no longer finite, or "
    "exceeds 10× its first value, has diverged.")
RANGE_TEST = (
    "One short run whose lr grows by the same factor after every mini-batch, from 10⁻⁵ to 10 (Smith 2017; "
    "fastai's `lr_find`). The loss is smoothed (moving average, β = 0.98) and the test stops once it is more "
    "than 4× its best. Too low: nothing happens. Good: the loss falls. Too high: it blows up. Pick an lr "
    "where the loss falls **fastest**, not where it is lowest: at the minimum the lr is already at the edge.")


def controls() -> LRCurvesConfig:
    """The curves' widgets (URL keys lr_opt, lr_bs, lr_mine, lr_steps), read into one config."""
    c = st.columns([2, 2, 3, 2])
    with c[0]:
        opt = widgets.selectbox("Optimizer", list(LR_PRESETS), key="lr_opt",
                                format_func=lambda k: OPTIMIZERS[k].title)
    with c[1]:
        batch = widgets.number_input("Batch size", 1, 5000, 64, key="lr_bs")
    with c[2]:
        mine = widgets.select_slider("Your learning rate", LR_GRID, 0.05, key=MINE, format_func=lr_label)
    with c[3]:
        steps = widgets.slider("Steps", 50, 1000, 300, 50, key="lr_steps")
    return LRCurvesConfig(LRConfig(opt, int(batch), seed=frame.seed()), float(mine), int(steps))


def _curves(cfg: LRCurvesConfig) -> dict[str, Curve]:
    lrs = cfg.lrs()
    bar = st.progress(0.0, text="Training…")
    out = {}
    for i, (name, lr) in enumerate(lrs.items()):
        out[name] = lr_run(cfg.net, lr, cfg.steps)
        bar.progress((i + 1) / len(lrs), text=f"Training at lr {lr:g} ({i + 1}/{len(lrs)})")
    bar.empty()
    return out


def _use(v: float) -> None:
    st.session_state[MINE] = min(LR_GRID, key=lambda g: abs(math.log(g / v)))


def _range_section(net: LRConfig, shown: bool) -> None:
    if shown:
        st.subheader("Learning-rate range test")
        frame.prose(RANGE_TEST)
    c = st.columns([2, 3])
    with c[0]:
        num_it = int(widgets.slider("Mini-batches in the test", 50, 500, 100, 50, key="lr_it"))
    with c[1]:
        rule = widgets.radio("Suggestion", list(RULES), key="lr_rule", horizontal=True,
                             format_func=lambda r: f"{r} ({RULES[r]})")
    if not shown:
        return
    test = range_run(net, num_it)
    charts.cached_chart("lr_range", (net, num_it, rule),
                        lambda: range_plot(test, rule, LR_PRESETS[net.optimizer]))
    why = (f"stopped after {len(test.lrs)} of {num_it} batches, at lr {test.lrs[-1]:.2g}, because "
           f"{test.stop_reason}" if test.stopped_early else
           f"ran all {num_it} batches without the loss blowing up")
    v = test.suggestion(rule)
    st.markdown(f"The test {why}. Suggested lr (**{rule}**: {RULES[rule]}): **{v:.2g}**. "
                "The ▼ marks along the top are the learning rates of the curves above.")
    st.button("Use the suggestion as your learning rate", key="lr_use", on_click=_use, args=(v,),
              icon=":material/north_west:")


def tab(shown: bool) -> None:
    """Loss curves at labelled learning rates and a range test, on the digits with a small MLP (controls only if
    not shown)."""
    if shown:
        frame.prose(INTRO)
    cfg = controls()
    if shown:
        _curves_section(cfg)
    _range_section(cfg.net, shown)


def _curves_section(cfg: LRCurvesConfig) -> None:
    try:
        curves = _curves(cfg)
    except ValueError as exc:
        st.error(str(exc))
        return
    for name, c in curves.items():
        if c.diverged_at is not None:
            st.warning(frame.diverged(f"{name} (lr {c.lr:g})", c.diverged_at) + ": the loss exploded.")
    # The curves depend on cfg alone: the range test's controls and the button leave this chart's spec cached.
    charts.cached_chart("lr_curves", cfg, lambda: loss_curves(curves))
    st.caption(f"Labels fit {OPTIMIZERS[cfg.net.optimizer].title} with batch 64 and 300 steps; torch's defaults "
               "for the other hyper-parameters. Faint lines: loss of each mini-batch; bold: its moving average.")
