"""The page's own text (a module, so tests can read it: page.py is a script)."""

INTRO = (
    "Batch norm makes deep nets train faster, and there are two famous explanations. **Ioffe & Szegedy (2015)**: "
    "it reduces *internal covariate shift*, the drift of each layer's input distribution while the layers below "
    "change. **Santurkar, Tsipras, Ilyas & Madry (2018)**: that drift is not the reason — in their experiments a "
    "BN net with noise injected after every BN layer, drifting more than a plain net, still trained well — batch "
    "norm makes the *loss landscape smoother*: the loss and its gradient change less along each step. The tabs "
    "measure both on the same digits nets; read the numbers under each chart and judge. The drift itself plays "
    "live on the [Activation histograms page](/histograms), and batch norm's other promises (higher learning "
    "rates, any initialization, a regularizer, a redundant bias) are one-click experiments in its "
    "[BN's promises tab](/histograms?htab=BN%27s+promises).")
TABS = ["Optimizers on a real net", "Smoothness", "Noisy BN"]
