"""Activations & inputs: what each nonlinearity does to its input, and why inputs are centred and whitened."""

from views.activations import controls, digits, explorer, preprocessing
from views.activations.presets import PRESETS
from views.ui import frame, links, widgets

INTRO = (
    "Two things decide whether a deep net can learn at all before any normalization layer helps: the "
    "**nonlinearity** (its slope is multiplied into every backpropagated gradient) and the **input** it is fed "
    "(where the data sit relative to the randomly initialized units). Everything here is seeded by the sidebar seed."
)
TABS = ["Activation explorer", "Input preprocessing (2-D)", "Digits whitening"]

with frame.page("Activations & inputs", INTRO):
    links.apply_example(controls.apply_preset, list(PRESETS))  # a home-gallery link names one of the presets
    # Lazy tabs: only the open one computes (the digits tab whitens 1797 images) and a link reopens it; every tab
    # draws its controls, so a link made on one tab keeps the others' settings.
    explorer_tab, cloud_tab, digits_tab = widgets.tabs(TABS, key="atab")
    with explorer_tab:
        # The presets set the explorer's widgets from outside its fragment: a click reruns the page (rarely), a
        # tick of a slider only the fragment, which then need not send the buttons again.
        controls.presets()
        explorer.tab(bool(explorer_tab.open))
    frame.tab(cloud_tab, preprocessing.INTRO, controls.cloud, preprocessing.show)
    frame.tab(digits_tab, digits.INTRO, controls.digits, digits.show)
