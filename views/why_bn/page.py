"""Why does batch norm help? Ioffe & Szegedy's internal covariate shift against Santurkar et al.'s smoother
landscape, with the optimizers racing on a real network drawn over its loss (Li et al.'s PCA plane)."""

from views.ui import frame, links, widgets
from views.why_bn import noisy, race, smoothness
from views.why_bn.page_text import INTRO, TABS


def _experiment(pane, module) -> None:
    """A tab drawn by its own module: intro and ``show()`` when open, only its URL-bound controls otherwise (a
    control that is not drawn loses its link value)."""
    with pane:
        if pane.open:
            frame.prose(module.INTRO)
            module.show()
        else:
            module.controls()


with frame.page("Why does batch norm help?", INTRO):
    links.apply_example(race.apply_example, list(race.EXAMPLES))  # a home-gallery link names a preset
    race_tab, smooth_tab, noisy_tab = widgets.tabs(TABS, key="wtab")
    race.draw(race_tab)
    _experiment(smooth_tab, smoothness)
    _experiment(noisy_tab, noisy)
