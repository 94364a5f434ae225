"""Activation histograms: the same deep net trained live with and without normalization, side by side."""

from __future__ import annotations

from views.histograms import batch_size, controls, depth, init_lab, live
from views.histograms.promises import section as promises
from views.ui import frame, links, widgets

INTRO = (
    "Two copies of one network start from **identical weights** and see the **same mini-batches** with the same "
    "optimizer; only the second normalizes each layer. Press **Play**: without normalization the distribution "
    "feeding each layer drifts while the weights change and learning crawls (the *internal covariate shift* of "
    "Ioffe & Szegedy, 2015, Figure 1); with batch norm it stays put and accuracy climbs fast. The **Init lab** "
    "shows why initialization matters at all, the **Batch-size experiment** where batch norm breaks, and **BN's "
    "promises** tests what batch norm claims to give, one experiment each."
)

with frame.page("Activation histograms", INTRO):
    links.apply_example(promises.apply_example, list(promises.EXAMPLES))  # a home-gallery link names an experiment
    pair, lr, depth_slot = controls.pair()  # every sidebar setting but Depth, which the Depth fragment draws
    # URL-bound and lazy: a link reopens the tab it was made on, and only the open tab is built (the live view's
    # fragments run only while it is open).
    live_tab, lab_tab, sweep_tab, promises_tab = widgets.tabs(
        ["Live training", "Init lab", "Batch-size experiment", promises.TAB], key="htab")
    live_places = None
    if live_tab.open:
        with live_tab:
            if not live.upload_prompt(pair.keywords["dataset"], pair.keywords["upload"]):
                live_places = live.places()
    frame.tab(lab_tab, init_lab.INTRO, lambda: controls.lab(lab_tab.open), init_lab.init_lab)
    with sweep_tab:  # frame.tab's order: intro, controls, then the body (drawn by the Depth fragment)
        if sweep_tab.open:
            frame.prose(batch_size.INTRO)
        sweep = depth.Sweep(controls.batch_steps(), batch_size.network())
    frame.tab(promises_tab, promises.INTRO, lambda: promises.choose(promises_tab.open), promises.show)
    # Last: it writes into the places above (the sidebar's, the live tab's, the batch-size tab's), after the page's
    # own writes there.
    depth.depth_and_views(depth.Places(depth_slot, live_places, sweep_tab if sweep_tab.open else None), pair, lr,
                          sweep)
