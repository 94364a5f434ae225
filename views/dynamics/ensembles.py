"""The ensembles tab: K independently seeded nets, each member's accuracy and that of their averaged probabilities.

The members train as an experiment (views.ui.experiment): the tab promises a time, trains inline or as a shared
background job with progress and Cancel, and stops at the promise with the members it finished; what it then shows
averages those members and says how many of K they are. Members are cached one by one, so a larger K or a second
run trains only the missing ones.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import streamlit as st

from core.ensembles import K_RANGE, EnsembleConfig, EnsembleRun, result_of, train_members
from views.dynamics import cost
from views.dynamics.data import cached_member, members_missing
from views.ui import budget, charts, frame, widgets
from views.ui.experiment import Experiment, promise
from views.ui.experiment import run as run_experiment
from viz.ensembles import ensemble_figure

EXPERIMENT = Experiment("ens", "ensemble", "Training the members", button="Train the members",
                        hint="train the members")


@dataclass(frozen=True)
class Trained:
    """The members a run delivered and the seconds it promised (an incomplete run says it stopped there)."""

    run: EnsembleRun
    promised: float

    @property
    def config(self) -> EnsembleConfig:
        return self.run.config

    @property
    def complete(self) -> bool:
        return self.run.complete


INTRO = (
    "Train the same network **K times**, changing only the seed (initial weights, mini-batch order), and "
    "average the predicted class **probabilities**. The members make partly different mistakes, so the "
    "average is usually better than the typical member and often better than the best one: a reliable "
    "few-percent gain that costs K times the training and K times the prediction (CS231n, *Model "
    "ensembles*). The gain is largest when the members are unsure, here on a small training subset.")


def controls() -> EnsembleConfig:
    """The tab's widgets (URL keys ens_*), read into one config."""
    c = st.columns(4)
    with c[0]:
        k = widgets.slider("Members K", K_RANGE[0], K_RANGE[1], 5, key="ens_k")
    with c[1]:
        n_train = widgets.slider("Training examples ", 100, 1000, 300, 50, key="ens_n")
    with c[2]:
        width = widgets.select_slider("Width", (16, 32, 64, 128, 256), 64, key="ens_w")
    with c[3]:
        epochs = widgets.slider("Epochs ", 5, 60, 20, 5, key="ens_ep")
    return EnsembleConfig(int(k), int(n_train), int(width), epochs=int(epochs), seed=frame.seed())


def _estimate(cfg: EnsembleConfig, members: int) -> float:
    return cost.seconds(cfg.n_train, cfg.depth, cfg.width, cfg.epochs, cfg.batch_size, nets=members)


def _nearest(cfg: EnsembleConfig, shared: EnsembleConfig) -> str:
    """The closest ensemble that fits a job: fewer epochs at this K, else fewer members at 5 epochs."""
    missing = members_missing(shared, cfg.k)
    epochs = cost.largest(lambda e: cost.fits(_estimate(replace(cfg, epochs=e), missing)), 5, cfg.epochs)
    if epochs is not None:
        return f"{epochs // 5 * 5 or 5} epochs with {cfg.k} members"
    k = cost.largest(lambda k: cost.fits(_estimate(replace(cfg, epochs=5), k)), 1, cfg.k)
    return f"{max(k or 0, K_RANGE[0])} members at 5 epochs"


def _members(cfg: EnsembleConfig) -> Trained | None:
    """This session's last run (maybe of other settings, then captioned), or None before it has one."""
    cfg.validate()
    shared = replace(cfg, k=K_RANGE[0])  # members do not depend on K: growing K reuses the cached ones
    missing = members_missing(shared, cfg.k)
    seconds = _estimate(cfg, missing)
    promised = promise(seconds)

    def work(c: EnsembleConfig, *, tick, stop_at: float) -> Trained:
        return Trained(train_members(c, member=cached_member(shared), tick=tick, stop_at=stop_at), promised)
    cost.autostart(EXPERIMENT, cfg)
    done = f", {cfg.k - missing} trained already" if missing else ", all trained already"
    done = "" if missing == cfg.k else done
    what = f"{cfg.k} members × {cfg.epochs} epochs{done}"
    return run_experiment(EXPERIMENT, cfg, work, seconds=seconds, what=what, nearest=lambda: _nearest(cfg, shared))


def stopped(trained: Trained) -> str | None:
    """What an incomplete run delivered, from its members (None for a complete one)."""
    if trained.complete:
        return None
    n, k = len(trained.run.members), trained.config.k
    done = f"{n} of {k} members trained" if n else f"None of the {k} members finished"
    shown = f"The metrics and the chart average these {n}. " if n else ""
    return (f"{done} within the {budget.seconds(trained.promised)} promised (training ran slower than this "
            f"server's estimate). {shown}**{EXPERIMENT.button}** again trains the other {k - n}; the finished ones "
            "are reused.")


def tab(shown: bool) -> None:
    """K independently seeded nets, each member's accuracy and that of their averaged probabilities (controls only
    if not shown)."""
    if shown:
        frame.prose(INTRO)
        frame.equation(r"p_{\text{ensemble}}(y \mid x) = \frac{1}{K} \sum_{k=1}^{K} p_k(y \mid x)")
    cfg = controls()
    if not shown:
        return
    try:
        trained = _members(cfg)
    except ValueError as exc:
        st.error(str(exc))
        return
    if trained is None:  # no run yet: its progress, the promise or the refusal are shown
        return
    note = stopped(trained)
    if note:
        st.warning(note, icon=":material/timer_off:")
    members, shown_cfg = list(trained.run.members), trained.config
    if not members:
        return
    res = result_of(shown_cfg, members)
    bad = [str(i + 1) for i, m in enumerate(members) if m.diverged_at is not None]
    if bad:
        st.warning("Member(s) " + ", ".join(bad) + " diverged (non-finite loss) and count as wrong everywhere.")
    m = st.columns(3)
    m[0].metric("Ensemble accuracy", f"{res.ensemble_acc:.1%}")
    m[1].metric("Gain vs the mean single net", f"{res.gain_vs_mean * 100:+.1f} points")
    m[2].metric("Gain vs the best single net", f"{res.gain_vs_best * 100:+.1f} points")
    charts.cached_chart("ens_fig", (shown_cfg, len(members)), lambda: ensemble_figure(res))
    st.caption(f"{len(members)} members x {res.steps // len(members)} Adam steps each = {res.steps} steps: "
               f"{len(members)} times the cost of one net. Validation = the held-out 25% of digits, the same rows "
               "for every member.")
