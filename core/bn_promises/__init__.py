"""Batch norm's promises (Ioffe & Szegedy, 2015), one experiment each: plain nets vs their batch-norm twins.

>>> from core.bn_promises import lr_tolerance, init_dependence, regularization_gap, bias_redundancy

* ``lr_tolerance``: final accuracy vs learning rate, the band of rates that train (``lr_tolerance.py``);
* ``init_dependence``: final accuracy per initialization x activation (``init_dependence.py``);
* ``regularization_gap``: the train/test gap with and without BN and dropout (``regularization.py``);
* ``bias_redundancy``: the linear bias before BN cancels (``bias.py``).

``common.py`` holds what they share (the base ``Setup``, data, batches, progress); ``stacked.py`` trains many
nets of one shape at once.
"""

from core.bn_promises.bias import bias_redundancy
from core.bn_promises.init_dependence import init_dependence
from core.bn_promises.lr_tolerance import lr_tolerance
from core.bn_promises.regularization import regularization_gap

__all__ = ["lr_tolerance", "init_dependence", "regularization_gap", "bias_redundancy"]
