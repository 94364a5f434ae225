"""The "BN's promises" tab of the activation-histograms page: four experiments, each a one-click background job.

``section`` draws the tab (the experiment selector and the chosen experiment); ``runner`` runs an experiment as a
shared job and keeps its result; one module per experiment (``lr_tolerance``, ``init_dependence``,
``regularizer``, ``bias``) exposes ``INTRO`` and ``show()``.
"""
