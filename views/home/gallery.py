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
    Example("histograms", "bn_lr_tolerance", "BN: higher learning rates", "Ten learning rates from 0.001 to 30: "
                                                                            "batch norm trains over a band at least "
                                                                            "10 times wider than the plain net's."),
    Example("histograms", "bn_init", "BN: any initialization", "Six initializations × three activations: the plain "
                                                               "net fails at normal_0.01, its batch-norm twin trains "
                                                               "in every cell."),
    Example("histograms", "bn_regularizer", "BN as a regularizer", "Train and test accuracy on 50 digits for plain, "
                                                                   "dropout, batch-norm and both nets."),
    Example("histograms", "bn_bias", "BN: the redundant bias", "Twin nets with and without the bias before batch "
                                                               "norm, trained on the same batches."),
    Example("why-bn", "course", "Seven rules on a real net", "SGD to Adam train the digits MLP from the same "
                                                             "weights on the same batches."),
    Example("optimizers", "nonsmooth", "Kinked valley", "Walls meeting in a kink: SGD bounces across the floor "
                                                            "for good, Adagrad and Adam narrow in."),
]
