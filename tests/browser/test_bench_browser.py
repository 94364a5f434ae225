"""The browser benchmark's harness on the floor app alone: one new tab and one tick, measured and explained."""

import subprocess
import sys
from pathlib import Path

import pytest

from bench.browser import measure
from bench.browser.tab import Failed, Tab, launched
from bench.browser.targets import FLOOR, FLOOR_SLIDER
from tests.browser.conftest import _require_chromium

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


def test_floor_app_first_chart_and_one_tick():
    """Run in its own interpreter: the browser tests' session-wide Playwright already owns this thread's loop."""
    _require_chromium()
    done = subprocess.run([sys.executable, "-c", "from tests.browser.test_bench_browser import check; check()"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]


def check() -> None:
    """The floor app measured once: a new tab's first chart and one tick, with every part of the tick explained."""
    with launched(app=False) as run:
        first = measure.first_chart(run, run.floor, FLOOR)
        # The page's own clock: the socket opens, the script's deltas arrive, then the chart is drawn.
        assert 0 < first["ws_open"] < first["first_delta"] <= first["finished"]
        assert first["first_delta"] < first["first"] == first["all"]

        tab = Tab(run)
        tab.open(run.floor)
        tick = measure.tick(tab, FLOOR_SLIDER)
        # One rerun request, decoded from the protobuf on the wire, answered by deltas and a script_finished.
        assert tick["reruns"] == 1 and tick["deltas"] >= 1 and tick["frames"] > tick["deltas"]
        assert tick["bytes"] > 200 * 8  # the new 200-point line travels as float64
        assert 0 < tick["debounce"] < tick["latency"] and 0 < tick["server"] < tick["latency"]
        assert tick["task"] > 0 and tick["script"] > 0  # CDP metrics moved during the tick
        fig = tab.figures()[0]
        assert (fig["traces"], fig["points"], fig["types"], fig["drawn"]) == (1, 200, {"scatter": 1}, True)

        with pytest.raises(Failed, match="no slider labelled 'Nope'.*Frequency"):
            measure.tick(tab, "Nope")
        tab.close()
