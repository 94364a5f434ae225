"""The race of a view just opened: a heavy one answers at once with a progress bar and runs as a background job.

A page run holds the process's run slot while it computes (views.ui.turns). A move on a race already on screen
computes inline, up to budget.RUN_S, and the chart stays up meanwhile. A link opened in a new tab has nothing on
screen yet, and under a class's load its run first waited for its turn and then held it for two to three times
its estimate: `make load`'s adversary on 2026-11-27 saw a 13-optimizer, 5000-step noisy race link answer in
4.7-5.6 s, against a refusal's 3.3-4.0 s. So a view's first race, when it is not cached and is estimated over
OPENING_S, shows its progress at once and is left to a job, which fills the gaps between the class's runs; the
page reruns itself when it is done.
"""

from __future__ import annotations

import streamlit as st

from views.optimizers import data
from views.optimizers.config import RaceConfig
from views.ui import jobs, links

OPENING_S = 0.25  # the most a first race computes inline (the default race is ~0.02 s)
SHOWN = "_normlab_race_shown"  # session key: this session's optimizer page has drawn a race


def race(cfg: RaceConfig) -> data.Race | None:
    """data.race(cfg) (ValueError for settings torch refuses), or None while a view's first, heavy race runs as a
    job (its progress bar and Cancel drawn here)."""
    estimate = data.seconds(cfg)
    if not (st.session_state.get(SHOWN) or estimate <= OPENING_S or data.cached(cfg)):
        def work(progress: jobs.Progress) -> bool:
            progress.update(0.0, "computing every path")  # one batched run: no finer progress to report
            data.race(cfg)  # kept by the race's own shared cache, not twice (the jobs store keeps this True)
            return True

        n = len(cfg.runs)
        job = jobs.submit(f"optimizers.race:{cfg!r}", work, estimate_s=estimate,
                          label=f"Racing {n} optimizer{'s' * (n > 1)} over {cfg.steps} steps")
        if jobs.show(job) is None:
            links.pending()  # the open tab's controls come with the race: their link values wait for it
            return None
    result = data.race(cfg)  # cached by the job (computed again only if evicted meanwhile)
    st.session_state[SHOWN] = True
    return result
