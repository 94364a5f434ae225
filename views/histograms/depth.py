"""The Depth fragment: the sidebar's Depth slider and everything that depends on it, the live view and the
batch-size experiment (of the sidebar's network). A Depth tick reruns only this and re-sends 31 elements instead
of the page's 71, each one a message the browser handles in turn (issue #14). Every other setting is read by the page
run and arrives here as an argument; the fragment writes into places the page laid out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from views.histograms import batch_size, controls, live
from views.histograms.config import PairConfig
from views.ui import server


@dataclass(frozen=True)
class Places:
    """Where the fragment writes: the Depth slider's place in the sidebar, the live tab's layout (None: the tab is
    closed or waits for an upload) and the batch-size tab (None: closed; its body goes under its controls)."""

    depth: Any
    live: live.Places | None
    sweep: Any


@dataclass(frozen=True)
class Sweep:
    """The batch-size tab's controls as the page run read them."""

    steps: int
    network: str  # "paper" or "sidebar"


@server.fragment
def depth_and_views(where: Places, pair: Callable[..., PairConfig], lr: float, sweep: Sweep) -> None:
    """The Depth slider, then the live view and the batch-size experiment at that depth (``pair(depth=)`` is the
    sidebar's config)."""
    with where.depth:
        depth = controls.depth()
    cfg = pair(depth=depth)  # an error here is server.fragment's one sentence (frame.guard), like a page run's
    if where.live is not None:
        live.live(cfg, lr, where.live)
    if where.sweep is not None:
        with where.sweep.container():  # its job's fragments stay in place (see views.histograms.live)
            batch_size.experiment(batch_size.chosen(controls.batch_size(cfg, lr, sweep.steps), sweep.network))
