"""Training dynamics: batch vs stochastic vs mini-batch descent, reading the learning rate, regularization."""

from views.dynamics import descent, dropout, ensembles, gradcheck, learning_rate
from views.ui import frame, widgets

INTRO = (
    "How the way we feed data and the step size shape training. **Gradient descent** compares full-batch, "
    "stochastic and mini-batch updates on a loss we can draw exactly; **Learning rate** reads loss curves and runs "
    "a range test on a real network; the last three tabs show dropout, early stopping, ensembles and how to check "
    "a gradient numerically."
)

TABS = {"Gradient descent": descent.tab, "Learning rate": learning_rate.tab, "Dropout & early stopping": dropout.tab,
        "Ensembles": ensembles.tab, "Gradient check": gradcheck.tab}

with frame.page("Training dynamics", INTRO):
    # Lazy tabs: only the open one computes (the last three train networks; building all five on every visit made
    # a first load take a minute on a shared 2-core server), but every tab draws its controls, so a link made on one
    # tab keeps the others' settings and reopens the tab it was made on.
    for tab, body in zip(widgets.tabs(list(TABS), key="dtab"), TABS.values(), strict=True):
        with tab:
            body(bool(tab.open))
