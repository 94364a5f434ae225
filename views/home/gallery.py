"""The home gallery: one card per preset of every page; a card's link opens the page with ``?example=<name>``.

Each page applies the named preset itself (``views.ui.links.apply_example``); a thumbnail is the preset's first chart,
saved to docs/gallery/<page>-<name>.png by tests/browser/test_gallery_browser.py.
"""

from dataclasses import dataclass
from pathlib import Path

THUMBS = Path(__file__).resolve().parents[2] / "docs" / "gallery"


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
    Example("activations", "sigmoid_depth", "Vanishing sigmoid", "Slope at most 1/4: thirty layers shrink a gradient "
                                                                  "below 10⁻¹⁸."),
    Example("activations", "dead_relus", "Dead ReLUs", "Pre-activations centred at −1.5: 93% of ReLU inputs pass no "
                                                       "gradient."),
    Example("activations", "gelu_dip", "GELU's dip", "Slope above 1 near 1.4, slightly negative near −1.4."),
]
