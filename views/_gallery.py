"""The home gallery: one card per preset of every page; a card's link opens the page with ``?example=<name>``.

Each page applies the named preset itself (``ui.linked_example``); a thumbnail is the preset's first chart,
saved to docs/gallery/<page>-<name>.png by tests/browser/test_gallery_browser.py.
"""

from dataclasses import dataclass
from pathlib import Path

THUMBS = Path(__file__).resolve().parent.parent / "docs" / "gallery"


@dataclass(frozen=True)
class Example:
    """A preset of one page, as the home page shows it."""

    page: str  # PageSpec.url_path
    name: str  # the preset's key on that page
    title: str
    line: str  # one sentence: what the picture shows

    @property
    def thumb(self) -> Path:
        return THUMBS / f"{self.page}-{self.name.replace(' ', '_').replace(':', '')}.png"


GALLERY: list[Example] = [
    Example("optimizers", "beale", "Beale race", "Seven optimizers race from (1, 1.5) to Beale's minimum (3, 0.5)."),
    Example("optimizers", "long_valley", "Long valley", "SGD zig-zags across a narrow ravine; momentum rolls."),
    Example("optimizers", "saddle", "Saddle point", "Who escapes x² − y² from just off the ridge, and how fast."),
    Example("optimizers", "goh", "Why momentum works", "Goh's optimal momentum on a quadratic, kappa = 100."),
]
