"""What the benchmark moves on each page: the main slider (by its label) and the chart count to wait for.

Chosen by looking at the pages: the slider a student reaches for first and that redraws the first chart.
A page missing here falls back to its registry entry (views.PAGES main_control).
"""

from __future__ import annotations

from dataclasses import dataclass

from views import PAGES

MAIN_SLIDER = {
    "optimizers": "Steps",  # the left column's only slider: every path and the loss-gap chart redraw
    "normalization": "N (batch)",  # the cube's first dimension: four cubes, the maps and statistics redraw
    "histograms": "Depth",  # the live pair's architecture (the lr slider redraws nothing at step 0)
    "dynamics": "Steps (updates)",  # the descent tab's paths and loss curves
    "activations": "Pre-activation mean",  # f and f', the histogram of outputs, the gradient through depth
}
FLOOR_SLIDER = "Frequency"
LIVE_PRESETS = ("BN paper Figure 1", "CS231n init")  # histograms page, the Preset box


@dataclass(frozen=True)
class Target:
    """One page row of the benchmark."""

    path: str  # url path
    slider: str  # label of the main slider
    charts: int  # charts the default view draws at least


FLOOR = Target("", FLOOR_SLIDER, 1)


def targets(only: list[str] | None = None) -> list[Target]:
    """The registry's pages (home has no slider or chart: left out), optionally only those named."""
    rows = [Target(p.url_path, MAIN_SLIDER.get(p.url_path, p.main_control), max(p.charts, 1)) for p in PAGES]
    if only:
        unknown = set(only) - {t.path for t in rows}
        if unknown:
            raise SystemExit(f"unknown page(s) {sorted(unknown)}; pages: {[t.path for t in rows]}")
        rows = [t for t in rows if t.path in only]
    return rows
