"""The page registry: app.py builds navigation from it, the home page its gallery, tests parametrize over it.

Adding a page is one entry here plus its package views/<name>/, whose page.py is the script st.Page runs. A page
is listed only once it does something real.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    """One view of the app."""

    script: str  # views/<name>/page.py, relative to the repo root: the script st.Page runs
    title: str
    icon: str  # Streamlit material icon
    teaches: str  # one line for the home gallery
    url_path: str
    charts: int  # how many plotly charts the default view shows at least (tests check it)
    main_control: str = ""  # aria-label of the slider the browser test moves; the first chart must change
    torch: bool = False  # pages that train torch models get a longer AppTest timeout
    variants: tuple[dict, ...] = ()  # link queries showing controls the default view hides (the fault sweep visits)


HOME = PageSpec("views/home/page.py", "Home", ":material/home:", "What each view teaches.", "home", 0)

PAGES: list[PageSpec] = []
PAGES.append(PageSpec("views/optimizers/page.py", "Optimizers", ":material/route:",
                      "Race SGD, Momentum, Nesterov, Adagrad, Adadelta, RMSprop and Adam on classic loss surfaces.",
                      "optimizers", 2, "Steps", variants=({"surf": "Custom expression"},)))
PAGES.append(PageSpec("views/normalization/page.py", "Normalization", ":material/view_in_ar:",
                      "BN, LN, IN, GN as shared sets on the NCHW cube; BatchNorm forward, backward, train vs eval.",
                      "normalization", 4, "N (batch)"))
PAGES.append(PageSpec("views/histograms/page.py", "Activation histograms", ":material/bar_chart:",
                      "The same deep net trained live with and without batch norm; init lab; batch-size sweep.",
                      "histograms", 4, "Depth", torch=True))
PAGES.append(PageSpec("views/dynamics/page.py", "Training dynamics", ":material/trending_down:",
                      "Batch vs stochastic vs mini-batch descent, reading the learning rate, dropout, ensembles.",
                      "dynamics", 3, "Steps (updates)", torch=True))
PAGES.append(PageSpec("views/activations/page.py", "Activations & inputs", ":material/function:",
                      "Sigmoid to maxout: slopes, saturation, dead ReLUs, vanishing gradients; centring and whitening.",
                      "activations", 3, "Pre-activation mean"))
PAGES.append(PageSpec("views/why_bn/page.py", "Why BN helps", ":material/psychology:",
                      "Internal covariate shift or a smoother landscape? Optimizers on a real net over its loss.",
                      "why-bn", 1, "Steps", torch=True))
