"""Optimizer trajectories: race torch.optim's rules on 2-D loss surfaces, step by step."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import streamlit as st

from core.optim.presets import PRESETS
from views.optimizers import (
    animation,
    controls,
    data,
    equations,
    fair,
    inspector,
    nearby,
    noise,
    opening,
    paths,
    relief,
    schedule,
    state,
    sweep,
)
from views.optimizers.config import NoiseConfig, RaceConfig, ScheduleConfig, SurfaceConfig
from views.ui import charts, frame, links, server, text, widgets

INTRO = ("Each optimizer in `torch.optim` turns the same gradient into a different step. Race them on a surface and "
         "watch *why*: momentum builds speed along a valley, Adagrad's steps shrink as squared gradients pile up, "
         "Adam rescales every coordinate. Every path is computed with torch's exact update rule (tested against "
         "`torch.optim` to 1e-9).")


def refused_surface(surface: SurfaceConfig, exc: ValueError) -> str:
    """The error for a surface the core refused; the typed expression and the reason shown as text, never markdown."""
    what = f"Custom surface {text.literal(surface.expr)}" if surface.name == "custom" else "Surface"
    return f"{what} refused: {text.plain(exc, 300)}"


TABS = ("Paths", "Race", "3D", "Step inspector", "Sweep", "Equations", "State over time", "Fair race")


def race_view(surface: SurfaceConfig, steps: int, raw_start, runs, lr: tuple[str, float], gradient_noise,
              lr_schedule, tab: str | None, body, nearby: Callable[[RaceConfig], list] | None = None) -> None:
    """The race of the chosen settings: notes and errors where it is called, the open tab's body (`tab`, in the
    container `body`) drawn from it (returns early, never st.stop: the page's link notices and share link are drawn
    after it)."""
    try:
        land = data.landscape(surface)
    except ValueError as exc:
        st.error(refused_surface(surface, exc))
        return
    start = controls.start(land.surface, raw_start)
    if not runs:
        st.info("Pick at least one optimizer on the left.")
        return
    cfg = RaceConfig(surface, runs, start, steps, controls.affordable(lr[0], steps), lr[1], gradient_noise,
                     lr_schedule)
    try:
        race = opening.race(cfg)  # None: a heavy first race, computing as a job (its progress bar shown)
    except ValueError as exc:  # a hyper-parameter combination torch refuses: say which, keep the page
        st.error(text.plain(exc, 300))
        return
    if race is None:
        return
    fair.best_lrs(cfg, race)
    schedule.used(cfg, race)  # ReduceLROnPlateau: the lr each optimizer got from its own loss
    if land.surface.note:
        st.caption(land.surface.note)
    ahead = nearby(cfg) if nearby and tab == "Paths" else []  # the races a Steps tick reaches next
    bodies = {"Paths": lambda: paths.show(cfg, land, race, ahead), "Race": lambda: animation.show(cfg, land, race),
              "3D": lambda: relief.show(land, race), "Step inspector": lambda: inspector.show(land, race, steps),
              "Sweep": lambda: sweep.show(cfg, land, race), "Equations": lambda: equations.show(race, steps),
              "State over time": lambda: state.show(cfg, race), "Fair race": lambda: fair.show(cfg, land, race)}
    if tab is not None:
        with body.container():
            bodies[tab]()


@dataclass(frozen=True)
class Slots:
    """Where the Steps fragment writes: under the Optimizers pills, under the noise and schedule controls, above
    the tabs and in the open tab (containers the page made, so the layout stays while a tick redraws only these)."""

    steps: Any
    noise: Any
    schedule: Any
    notes: Any
    tab: Any  # the open tab's pane (None: no tab open)
    open: str | None  # its label


@server.fragment
def steps_and_race(slots: Slots, surface: SurfaceConfig, raw_start, runs, lr: tuple[str, float],
                   noise_asked: NoiseConfig, schedule_asked: ScheduleConfig) -> None:
    """The Steps slider and everything it changes: the noise paths and schedule that fit, and the race. A tick
    reruns only this and sends ~20 elements instead of the page's ~70 (the browser handles each one in turn); the
    lr choice and the tab bar stay, drawn by the page."""
    if paths.clicked():  # a click on the map sets the start inputs, which the page draws: a full run takes it
        st.rerun()
    with slots.steps.container():  # a fragment writes into a slot on every run, or loses its place in it
        steps = controls.steps()
    with slots.noise.container():
        gradient_noise = noise.within_budget(noise_asked, steps)
    with slots.schedule.container():
        lr_schedule = schedule.preview(schedule_asked, steps)
    with slots.notes.container():
        wanted = int(st.session_state.get("steps", steps))
        race_view(surface, steps, raw_start, runs, lr, gradient_noise, lr_schedule, slots.open, slots.tab,
                  partial(nearby.steps, wanted=wanted, asked_paths=noise_asked.paths, asked_mode=lr[0]))


with frame.page("Optimizers", INTRO):
    links.apply_example(controls.apply_preset, list(PRESETS))  # a home-gallery link names a preset
    paths.take_click()
    left, right = st.columns([1, 3], gap="large")
    with left:
        controls.presets()
        surface = controls.surface()
        names = controls.optimizers()  # before steps: the steps' budget depends on how many optimizers race
        steps_slot = st.container()
        raw_start = controls.raw_start()
        runs = controls.runs(surface.name, names)
        noise_asked = noise.controls()
        noise_slot = st.container()
        schedule_asked = schedule.controls()
        schedule_slot = st.container()
    with right:
        lr = controls.lr_mode()
        notes = st.container()
        # Lazy tabs: only the open one is built (a slider move pays for one tab, not eight) and a link reopens it.
        panes = widgets.tabs(list(TABS), key="otab")
    shown = next(((label, pane) for label, pane in zip(TABS, panes, strict=True) if pane.open), (None, None))
    steps_and_race(Slots(steps_slot, noise_slot, schedule_slot, notes, shown[1], shown[0]), surface, raw_start,
                   runs, lr, noise_asked, schedule_asked)
    # The map and the curves are drawn in place (views.ui.charts.live) with the plotly.js this loads. Last in the
    # page, so that the page's first chart is the map (the gallery's thumbnail, a projector's main chart).
    charts.plotly_js("plotly_js")
