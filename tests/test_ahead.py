"""Figures drawn ahead (views.ui.charts.Ahead): what a page sends for the main slider's next values is, to the last
digit, what a run at that value sends; the browser draws it on the tick, before the round trip."""

import json
import time

import pytest

from tests.apptest import live_data, open_page, settle, shown

# page script -> (the main slider's key, the live charts it drives that are drawn ahead, a value inside its range
# with neighbours on both sides)
AHEAD = {
    "views/optimizers/page.py": ("steps", ("contour", "losses"), 500),
    "views/activations/page.py": ("act_mu", ("act_explorer", "act_push", "act_depth_chart"), 0.3),
    "views/dynamics/page.py": ("gd_steps", ("gd_contour", "gd_losses", "gd_fit"), 100),
    "views/normalization/page.py": ("N", ("cube", "maps", "stats", "hist"), 8),
    "views/histograms/page.py": ("depth", ("hist_layers",), 3),
    # the neighbours' races come from the view's background jobs: sent once they are done (settle)
    "views/why_bn/page.py": ("rr_steps", ("rr_curves", "rr_plane_no normalization", "rr_plane_batch norm"), 100),
}


@pytest.mark.parametrize("script", list(AHEAD))
def test_figures_sent_ahead_are_what_the_next_value_draws(script):
    slider, keys, start = AHEAD[script]
    at = _settled(open_page(script, timeout=120, query={slider: str(start)}), keys)
    assert not at.exception
    value, step = at.slider(key=slider).value, at.slider(key=slider).step
    sent = {k: live_data(at, k) for k in keys}
    for k, data in sent.items():
        assert data is not None, f"no live chart {k!r}"
        assert data["ahead"] and data["ahead"]["slider"] == slider and data["ahead"]["at"] == value, k
        assert sorted(f["at"] for f in data["ahead"]["specs"]) == pytest.approx([value - step, value + step]), k
    for nxt in (round(value + step, 9), round(value - step, 9)):
        again = open_page(script, timeout=120, query={slider: str(start)})
        again.slider(key=slider).set_value(nxt).run()
        assert not again.exception
        for k, data in sent.items():
            ahead = next(f for f in data["ahead"]["specs"] if f["at"] == pytest.approx(nxt))
            got = live_data(again, k)
            spec, line = shown(got)  # a reel: its last frame
            assert json.dumps(spec, sort_keys=True) == json.dumps(ahead["spec"], sort_keys=True), (k, nxt)
            assert line == ahead["caption"], (k, nxt)
            assert got["ahead"]["at"] == pytest.approx(nxt)


def _settled(at, keys, rounds: int = 20):
    """Rerun until no background job is left and every chart holds both neighbours (why-bn: the race's job, then
    the one its rerun starts for the notches beside; on a busy machine a rerun re-asks for a notch still missing)."""
    from views.ui import jobs

    for _ in range(rounds):
        at = settle(at)
        with jobs._LOCK:
            idle = not jobs._RUNNING
        sent = [live_data(at, k) for k in keys]
        if idle and all(d and d.get("ahead") and len(d["ahead"]["specs"]) == 2 for d in sent):
            return at
        time.sleep(0.5)
        at.run()
    return at
