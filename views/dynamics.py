"""Training dynamics: batch vs stochastic vs mini-batch descent, reading the learning rate, regularization."""

from __future__ import annotations

import math
from dataclasses import dataclass

import streamlit as st

from core.linear_regression import BUDGETS, gd_variants, make_data
from core.lr_range import LR_PRESETS, RULES, LRConfig, lr_curve, range_test
from core.optim_presets import LR_GRID
from core.optimizers import OPTIMIZERS
from views import _dyn_regularization as reg
from views import _ui as ui
from viz.gd_variants import data_fit, gd_contour, gd_losses
from viz.lr_curves import loss_curves, range_plot

CHART = dict(width="stretch", config={"displaylogo": False})
CACHE = dict(max_entries=128, ttl=3600, show_spinner=False)
LR_RANGE = (1e-5, 10.0)  # the range test sweeps these four decades and a bit (fastai: 1e-7 to 10)


@dataclass(frozen=True)
class GDConfig:
    """One comparison of the three descent variants on one seeded data set."""

    n: int
    noise: float
    batch_size: int
    optimizer: str
    lr: float
    budget: str  # a key of BUDGETS
    length: int  # updates (budget "steps") or passes over the data (budget "epochs")
    start: tuple[float, float]
    seed: int


@st.cache_data(**CACHE | {"max_entries": 32})  # a run holds up to 20001 x 3 points: ~1 MB at the most
def _gd(cfg: GDConfig):
    data = make_data(cfg.n, cfg.noise, cfg.seed)
    run = gd_variants(data, cfg.batch_size, cfg.optimizer, cfg.start, cfg.length, cfg.seed, cfg.budget, lr=cfg.lr)
    return data, run, data.grid(data.box(cfg.start))


@st.cache_data(**CACHE)
def _curve(cfg: LRConfig, lr: float, steps: int):
    return lr_curve(cfg, lr, steps)


@st.cache_data(**CACHE)
def _range(cfg: LRConfig, num_it: int):
    # The bar lives inside: a cache hit replays its creation and removal, i.e. nothing shows.
    bar = st.progress(0.0, text="Range test…")
    test = range_test(cfg, *LR_RANGE, num_it,
                      progress=lambda i, n: bar.progress(min(i / n, 1.0), text=f"Range test: batch {i}/{n}"))
    bar.empty()
    return test


def _seed() -> int:
    return int(st.session_state.get("seed", 0))


def _fmt_lr(v: float) -> str:
    return f"{v:g}"


def _gd_controls() -> GDConfig:
    n = ui.slider("Data points n", 10, 500, 100, 10, key="gd_n")
    noise = ui.slider("Noise (std of y around the line)", 0.0, 3.0, 0.5, 0.1, key="gd_noise")
    b = ui.number_input("Mini-batch size b", 1, 5000, 10, key="gd_b",
                        help="Examples per update in the mini-batch run (the other two use n and 1).")
    opt = ui.selectbox("Optimizer", list(OPTIMIZERS), key="gd_opt", format_func=lambda k: OPTIMIZERS[k].title)
    lr = ui.select_slider("Learning rate lr", LR_GRID, 0.1, key="gd_lr", format_func=_fmt_lr)
    budget = ui.radio("Compare at equal", list(BUDGETS), key="gd_budget", horizontal=True,
                      help="Steps: each run makes as many updates. Epochs: each sees the data as often.")
    if budget == "epochs":
        length = ui.slider("Epochs (passes over the data)", 1, 100, 3, key="gd_epochs")
    else:
        length = ui.slider("Steps (updates)", 5, 2000, 100, 5, key="gd_steps")
    c = st.columns(2)
    with c[0]:
        w0 = ui.number_input("start w", -20.0, 20.0, -1.0, 0.5, key="gd_w0")
    with c[1]:
        b0 = ui.number_input("start b", -20.0, 20.0, 3.0, 0.5, key="gd_b0")
    return GDConfig(int(n), float(noise), int(b), opt, float(lr), budget, int(length), (float(w0), float(b0)),
                    _seed())


def _gd_summary(cfg: GDConfig, data, run) -> None:
    rows = []
    for i, name in enumerate(run.names):
        k = run.diverged_at[i]
        gap = run.losses[run.steps[i], i] - data.value(data.minimum)
        rows.append({"variant": name, "batch": run.batch_sizes[i], "steps per epoch": run.steps_per_epoch[i],
                     "updates": run.steps[i], "epochs": run.steps[i] / run.steps_per_epoch[i],
                     "examples seen": run.steps[i] * run.batch_sizes[i] if k is None else None,
                     "final L − L*": None if k is not None else float(gap)})
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_config={"epochs": st.column_config.NumberColumn(format="%.3g"),
                                "final L − L*": st.column_config.NumberColumn(format="%.2e")})


def gradient_descent_tab() -> None:
    """Full batch, batch 1 and batch b on the exact loss surface of a linear regression."""
    st.markdown(
        "Fit a line **y ≈ w x + b** to noisy points by gradient descent. The loss "
        "L(w, b) = 1/(2n) Σ (w xᵢ + b − yᵢ)² is a bowl over the two parameters, so its contour is exact and the "
        "least-squares minimum (★) is known in closed form. **Full batch** uses every point per update: a smooth "
        "path. **Stochastic** uses one random point: a cheap but noisy gradient, so the path jitters and, at a "
        "constant lr, never settles at ★ but keeps wandering in a noise ball. A **mini-batch** of b points "
        "averages the noise down (its variance shrinks like 1/b).")
    left, right = st.columns([1, 3], gap="large")
    with left:
        cfg = _gd_controls()
    with right:
        try:
            data, run, (ws, bs, z) = _gd(cfg)
        except ValueError as exc:
            st.error(str(exc))
            return
        for name, k in zip(run.names, run.diverged_at, strict=True):
            if k is not None:
                st.warning(ui.diverged(name, k) + f": lr {cfg.lr:g} is too large for this bowl. Lower the learning "
                           "rate.")
        st.plotly_chart(gd_contour(ws, bs, z, run, data.minimum, cfg.start), key="gd_contour", **CHART)
        a, b = st.columns(2)
        axis = "epochs" if cfg.budget == "epochs" else "steps"
        a.plotly_chart(gd_losses(run, float(data.value(data.minimum)), axis), key="gd_losses", **CHART)
        b.plotly_chart(data_fit(data, run), key="gd_fit", **CHART)
        _gd_summary(cfg, data, run)
    st.markdown(
        f"**Steps vs epochs.** A *step* is one update from one mini-batch; an *epoch* is one pass over all "
        f"n = {cfg.n} points, i.e. ⌈n / b⌉ steps: 1 for full batch, {cfg.n} for batch 1. At an equal number of "
        "steps the stochastic run has done n times less work, so of course it lags; at an equal number of "
        "epochs (same compute) it has made n times more updates and usually gets close to ★ sooner, then "
        "jitters. That is why deep learning trains with mini-batches: most of the progress of full batch at a "
        "fraction of the cost per step.")
    if cfg.optimizer == "sgd":
        st.caption(f"The bowl's curvatures are the eigenvalues of H = [[mean x², mean x], [mean x, 1]]; plain "
                   f"full-batch gradient descent converges only for lr < 2 / λmax = {data.max_stable_lr:.3g}.")


def _lr_controls():
    c = st.columns([2, 2, 3, 2])
    with c[0]:
        opt = ui.selectbox("Optimizer", list(LR_PRESETS), key="lr_opt", format_func=lambda k: OPTIMIZERS[k].title)
    with c[1]:
        batch = ui.number_input("Batch size", 1, 5000, 64, key="lr_bs")
    with c[2]:
        mine = ui.select_slider("Your learning rate", LR_GRID, 0.05, key="lr_mine", format_func=_fmt_lr)
    with c[3]:
        steps = ui.slider("Steps", 50, 1000, 300, 50, key="lr_steps")
    return LRConfig(opt, int(batch), seed=_seed()), float(mine), int(steps)


def _curves(cfg: LRConfig, lrs: dict[str, float], steps: int) -> dict:
    bar = st.progress(0.0, text="Training…")
    out = {}
    for i, (name, lr) in enumerate(lrs.items()):
        out[name] = _curve(cfg, lr, steps)
        bar.progress((i + 1) / len(lrs), text=f"Training at lr {lr:g} ({i + 1}/{len(lrs)})")
    bar.empty()
    return out


def _range_section(cfg: LRConfig, marks: dict[str, float]) -> None:
    st.subheader("Learning-rate range test")
    st.markdown(
        "One short run whose lr grows by the same factor after every mini-batch, from 10⁻⁵ to 10 (Smith 2017; "
        "fastai's `lr_find`). The loss is smoothed (moving average, β = 0.98) and the test stops once it is more "
        "than 4× its best. Too low: nothing happens. Good: the loss falls. Too high: it blows up. Pick an lr "
        "where the loss falls **fastest**, not where it is lowest: at the minimum the lr is already at the edge.")
    c = st.columns([2, 3])
    with c[0]:
        num_it = ui.slider("Mini-batches in the test", 50, 500, 100, 50, key="lr_it")
    with c[1]:
        rule = ui.radio("Suggestion", list(RULES), key="lr_rule", horizontal=True,
                        format_func=lambda r: f"{r} ({RULES[r]})")
    test = _range(cfg, int(num_it))
    st.plotly_chart(range_plot(test, rule, marks), key="lr_range", **CHART)
    why = (f"stopped after {len(test.lrs)} of {num_it} batches, at lr {test.lrs[-1]:.2g}, because "
           f"{test.stop_reason}" if test.stopped_early else
           f"ran all {num_it} batches without the loss blowing up")
    v = test.suggestion(rule)
    st.markdown(f"The test {why}. Suggested lr (**{rule}**: {RULES[rule]}): **{v:.2g}**. "
                "The ▼ marks along the top are the learning rates of the curves above.")
    st.button("Use the suggestion as your learning rate", key="lr_use", on_click=_use, args=(v,),
              icon=":material/north_west:")


def _use(v: float) -> None:
    st.session_state["lr_mine"] = min(LR_GRID, key=lambda g: abs(math.log(g / v)))


def learning_rate_tab() -> None:
    """Loss curves at labelled learning rates and a range test, on the digits with a small MLP."""
    st.markdown(
        "The same network (two hidden ReLU layers of 64, same initial weights, same mini-batches) trained on the "
        "8×8 digits at four learning rates, labelled as CS231n draws them: a **low** lr creeps down almost "
        "linearly, a **high** one drops fast and then gets stuck above the others, a **very high** one blows up, "
        "and a **good** one keeps falling. The black curve is your lr. A run whose loss is no longer finite, or "
        "exceeds 10× its first value, has diverged.")
    cfg, mine, steps = _lr_controls()
    named = {**LR_PRESETS[cfg.optimizer], "yours": mine}
    try:
        curves = _curves(cfg, named, steps)
    except ValueError as exc:
        st.error(str(exc))
        return
    for name, c in curves.items():
        if c.diverged_at is not None:
            st.warning(ui.diverged(f"{name} (lr {c.lr:g})", c.diverged_at) + ": the loss exploded.")
    st.plotly_chart(loss_curves(curves), key="lr_curves", **CHART)
    st.caption(f"Labels fit {OPTIMIZERS[cfg.optimizer].title} with batch 64 and 300 steps; torch's defaults for "
               "the other hyper-parameters. Faint lines: loss of each mini-batch; bold: its moving average.")
    _range_section(cfg, LR_PRESETS[cfg.optimizer])


INTRO = (
    "How the way we feed data and the step size shape training. **Gradient descent** compares full-batch, "
    "stochastic and mini-batch updates on a loss we can draw exactly; **Learning rate** reads loss curves and runs "
    "a range test on a real network; the last three tabs show dropout, early stopping, ensembles and how to check "
    "a gradient numerically."
)

TABS = ["Gradient descent", "Learning rate", "Dropout & early stopping", "Ensembles", "Gradient check"]

with ui.page("Training dynamics", INTRO):
    # Lazy tabs: only the open one runs. The last three train networks; building all five on every visit made a
    # first load take a minute on a shared 2-core server.
    tabs = ui.tabs(TABS, key="dtab")
    for tab, body in zip(tabs, (gradient_descent_tab, learning_rate_tab, reg.dropout_tab, reg.ensemble_tab,
                                reg.gradcheck_tab), strict=True):
        if tab.open:
            with tab:
                body()
