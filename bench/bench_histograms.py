"""Activation histograms: capture overhead, live steps/s of the default preset, one refresh's server work."""

import time

import plotly.io as pio
import torch

from bench.harness import Benchmark
from core.activation_capture import activation_taps, probe_mode
from core.layer_stats import PairedTrainer
from core.saturation import saturation
from viz.histograms import pair_histograms
from viz.ridgeline import time_heatmap
from viz.saturation import saturation_chart, saturation_rows
from viz.training_curves import grad_norms, loss_accuracy, percentile_plot

torch.set_num_threads(1)  # as app.py sets it for every page
STEPS = 400
_RECORDING = PairedTrainer()  # BN paper Figure 1 preset: digits, 3 x 100 sigmoid, SGD lr 0.5, batch 60
_PLAIN = PairedTrainer()
_PLAIN.recording = False  # the same lockstep training with hooks, histograms and history switched off
_LIVE = PairedTrainer()
_LIVE.step(2000)


def _refresh() -> None:
    """What the live fragment does per redraw besides its training budget: snapshot, five figures, their JSON."""
    snap, snaps = _LIVE.snapshot(fresh=False), list(_LIVE.history)
    names = ("No normalization", "Batch norm")
    for fig in (pair_histograms(snap, "pre", names), loss_accuracy(snaps, names), percentile_plot(snaps, 0, names),
                time_heatmap(snaps, "pre", 2, names), grad_norms(snap, names)):
        pio.to_json(fig, validate=False)


def _taps():
    """The (pre, post) activations of every layer of both nets on one probe batch, as a record sees them."""
    x, _ = _LIVE._next_batch()
    out = []
    for net in _LIVE.nets:
        with probe_mode(net), activation_taps(net) as taps:
            net(x)
        out.append(taps)
    return out


_TAPS = _taps()


def _saturation_refresh() -> None:
    """What saturation adds per redraw: its statistics for every layer of both nets, chart, table, JSON."""
    for taps in _TAPS:
        for pre, post in taps:
            saturation(pre, post, "sigmoid")
    snaps = list(_LIVE.history)
    pio.to_json(saturation_chart(snaps, "saturated", ("No normalization", "Batch norm")), validate=False)
    saturation_rows(snaps[-1])


def _budget(seconds: float):
    return lambda: time.sleep(seconds)


BENCHMARKS = [
    Benchmark(f"histograms capture: {STEPS} lockstep steps recording (ours) vs not recording (baseline)",
              ours=lambda: _RECORDING.step(STEPS), baseline=lambda: _PLAIN.step(STEPS),
              target="capture costs <= 25%", check=lambda r: 1 / r <= 1.25, repeat=5),
    Benchmark("histograms live speed: 200 recorded steps of the default preset (ours) vs a 1 s budget (baseline)",
              ours=lambda: _RECORDING.step(200), baseline=_budget(1.0),
              target=">= 200 steps/s", check=lambda r: r >= 1.0, repeat=3),
    Benchmark("histograms refresh's server work: snapshot + 5 figures + JSON (ours) vs a 150 ms budget (baseline)",
              ours=_refresh, baseline=_budget(0.150), target="< 150 ms", check=lambda r: r >= 1.0, repeat=5),
    Benchmark("histograms saturation: its statistics + chart + table per refresh (ours) vs the plain view's "
              "refresh work (baseline)", ours=_saturation_refresh, baseline=_refresh,
              target="adds <= 25% to a refresh", check=lambda r: r >= 4.0, repeat=5),
]
