"""One-click settings of the activation explorer: the buttons above its controls and the home gallery's links."""

# name (the gallery's ?example=<name>) -> (button title, widget key -> value)
PRESETS = {
    "sigmoid_depth": ("Sigmoid through 30 layers", dict(act_fn="sigmoid", act_mu=0.0, act_sd=1.0, act_depth=30)),
    "dead_relus": ("Dead ReLUs (μ = −1.5)", dict(act_fn="relu", act_mu=-1.5, act_sd=1.0, act_depth=20)),
    "gelu_dip": ("GELU's negative dip", dict(act_fn="gelu", act_mu=-1.0, act_sd=1.5, act_thr=0.1)),
}
