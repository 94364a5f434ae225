"""The dropout tab: one layer under a dropout mask (train vs test, inverted and classic), then its regularization
effect and early stopping on a net that overfits.

The two nets (without and with dropout) train as an experiment (views.ui.experiment): the tab promises a time,
trains inline or as a shared background job with progress and Cancel, and stops at the promise. They train an
epoch each in turn, so a stop leaves both at the same epoch; what is then shown says how many epochs each has.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import streamlit as st

from core.dropout import digit_activations, dropout_demo
from core.early_stopping import early_stop
from core.train_loop import Curves
from views.dynamics import cost
from views.dynamics.config import CurveConfig, DropoutConfig
from views.dynamics.data import dropout_run, dropout_runs
from views.ui import budget, cache, charts, frame, widgets
from views.ui.experiment import Experiment, promise
from views.ui.experiment import run as run_experiment
from viz.dropout import curves_figure, mask_figure

EXPERIMENT = Experiment("do_curves", "dropout", "Training without and with dropout", button="Train both nets",
                        hint="train both nets")
P_VALUES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
INTRO = (
    "**Dropout** zeroes each unit of a layer with probability `p` on every training step, so no unit can rely "
    "on a particular partner (Srivastava et al., 2014). At test time nothing is dropped, so the output must be "
    "rescaled to match what the next layer saw on average in training. **Inverted dropout** (PyTorch) divides "
    "the kept units by `1-p` while training and leaves test alone; the **classic** form trains unscaled and "
    "multiplies by the keep probability `1-p` at test. Either way the test output equals the *expected* "
    "training output: the crosses (mean over many masks) land on the diamonds.")
EARLY_STOPPING = (
    "A wide network (2 x 128 ReLU units) trained with Adam on a **small subset** of the digits memorises it: "
    "the training loss falls towards 0 while the validation loss (on the held-out 25%) turns back up. "
    "Dropout slows the memorising. **Early stopping** keeps the weights of the epoch with the lowest "
    "validation loss (star) and halts once it has not improved for *patience* epochs (dashed line).")


def controls() -> DropoutConfig:
    """The mask demo's widgets (URL keys do_p, do_mask, do_digit), read into one config."""
    c = st.columns(3)
    with c[0]:
        p = widgets.select_slider("Dropout p (probability of dropping)", P_VALUES, 0.5, key="do_p")
    with c[1]:
        mask = widgets.number_input("Mask number", 0, 999, 0, key="do_mask", help="Draw another mask (seeded).")
    with c[2]:
        digit = widgets.number_input("Held-out digit", 0, 449, 0, key="do_digit",
                                     help="Which test image feeds the layer.")
    return DropoutConfig(float(p), int(mask), int(digit), frame.seed())


def _mask_figure(cfg: DropoutConfig):
    return mask_figure(dropout_demo(digit_activations(cfg.seed, 32, cfg.digit), cfg.p, cfg.mask_seed))


def tab(shown: bool) -> None:
    """One layer under a dropout mask (train vs test, inverted and classic), then the regularization effect
    (controls only if not shown)."""
    if shown:
        frame.prose(INTRO)
        frame.equation(r"m_i \sim \mathrm{Bernoulli}(1-p):\quad \text{inverted } \frac{m \odot a}{1-p} "
                       r"\text{ (train)},\; a \text{ (test)};\qquad \text{classic } m \odot a \text{ (train)},"
                       r"\; (1-p)\,a \text{ (test)}")
    cfg = controls()
    if shown:  # the demo is drawn only when its spec is not cached: the config determines it
        charts.cached_chart("do_mask_fig", cfg, lambda: _mask_figure(cfg))
    _curves_section(cfg, shown)


@dataclass(frozen=True)
class Trained:
    """Both nets' curves as a run delivered them (``config`` the runs asked for) and the seconds it promised."""

    config: dict[str, CurveConfig]
    curves: dict[str, Curves]
    promised: float

    @property
    def complete(self) -> bool:
        return all(c.complete for c in self.curves.values())


def _estimate(runs: dict[str, CurveConfig]) -> float:
    todo = {r for r in runs.values() if not cache.has(dropout_run, r)}  # p = 0: one run for both nets
    return sum(cost.seconds(r.n_train, r.depth, r.width, r.epochs, r.batch_size) for r in todo)


def _nearest(runs: dict[str, CurveConfig]) -> str:
    fits = cost.largest(lambda e: cost.fits(_estimate({k: replace(r, epochs=e) for k, r in runs.items()})),
                        10, max(r.epochs for r in runs.values()))
    return f"{max((fits or 10) // 10 * 10, 10)} epochs"


def _curves(runs: dict[str, CurveConfig]) -> Trained | None:
    """This session's last run of both nets (maybe of other settings, then captioned), or None before one."""
    seconds = _estimate(runs)
    promised = promise(seconds)

    def work(r: dict[str, CurveConfig], *, tick, stop_at: float) -> Trained:
        return Trained(r, dropout_runs(r, tick=tick, stop_at=stop_at), promised)
    cost.autostart(EXPERIMENT, runs)
    epochs, nets = max(r.epochs for r in runs.values()), len(set(runs.values()))
    try:
        what = f"{nets} net{'s' * (nets > 1)} × {epochs} epochs"
        return run_experiment(EXPERIMENT, runs, work, seconds=seconds, what=what, nearest=lambda: _nearest(runs))
    except ValueError as exc:
        st.error(str(exc))
        return None


def stopped(trained: Trained) -> str | None:
    """What an incomplete run delivered, epoch by epoch (None for a complete one)."""
    if trained.complete:
        return None
    counts = {(c.epochs_done, c.epochs) for c in trained.curves.values()}
    if len(counts) == 1:  # trained together: both stopped at the same epoch
        (n, of), = counts
        done = f"both nets {n} of {of} epochs"
    else:  # one net came from the cache, complete
        done = " and ".join(f"the {k} net {c.epochs_done} of {c.epochs} epochs" for k, c in trained.curves.items())
    return (f"Trained {done} within the {budget.seconds(trained.promised)} promised (training ran slower than "
            "this server's estimate). The curves and the table show those epochs; **{EXPERIMENT.button}** "
            "again, or fewer epochs, for the whole run.")


def _curves_section(cfg: DropoutConfig, shown: bool) -> None:
    if shown:
        st.subheader("Regularization effect and early stopping")
        frame.prose(EARLY_STOPPING)
    c = st.columns(3)
    with c[0]:
        n_train = widgets.slider("Training examples", 50, 1000, 300, 50, key="do_n")
    with c[1]:
        epochs = widgets.slider("Epochs", 10, 150, 40, 10, key="do_ep")
    with c[2]:
        patience = int(widgets.slider("Patience (epochs)", 1, 50, 10, key="do_pat"))
    if not shown:
        return
    if cfg.p == 0.0:
        st.info("With p = 0 both runs are the same network; pick p > 0 above to compare.", icon=":material/info:")
    runs = {"plain": CurveConfig(0.0, n_train, epochs=epochs, seed=cfg.seed),
            "dropout": CurveConfig(cfg.p, n_train, epochs=epochs, seed=cfg.seed)}
    trained = _curves(runs)
    if trained is None:  # no run yet: its progress, the promise or the refusal are shown
        return
    note = stopped(trained)
    if note:
        st.warning(note, icon=":material/timer_off:")
    curves, runs = trained.curves, trained.config
    stops = {k: early_stop(c.val_loss, patience) for k, c in curves.items() if c.diverged_at is None}
    for k, c in curves.items():
        if c.diverged_at is not None:
            st.warning(frame.diverged(f"The {k} net", c.diverged_at) + ": its loss is no longer a finite number.")
    done = tuple(c.epochs_done for c in curves.values())  # a stopped run draws fewer epochs
    charts.cached_chart("do_curves", (runs, patience, done), lambda: curves_figure(curves, stops))
    rows = [{"net": k, "best epoch": s.best, "stops at": f"epoch {s.stop}" if s.stopped else "never",
             "val. loss there": curves[k].val_loss[s.best], "val. accuracy there": curves[k].val_acc[s.best],
             "val. accuracy at the end": curves[k].val_acc[-1]} for k, s in stops.items()]
    charts.table(rows, column_config={
        "val. loss there": st.column_config.NumberColumn(format="%.3f"),
        "val. accuracy there": st.column_config.NumberColumn(format="percent"),
        "val. accuracy at the end": st.column_config.NumberColumn(format="percent")})
