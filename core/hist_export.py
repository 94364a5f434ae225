"""CSV exports of a paired training run (``Snapshot`` history) as UTF-8 bytes, for a notebook or a spreadsheet.

>>> from core.layer_stats import PairedTrainer
>>> pair = PairedTrainer(dataset="moons", depth=2, width=8, lr=0.1, batch_size=30, record_every=5)
>>> pair.step(10)
10
>>> histories_csv(list(pair.history)).splitlines()[0]
b'step,net,layer,kind,bin_low,bin_high,fraction'
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from core.activation_capture import KINDS

NETS = ("plain", "normed")
LAYER_FIELDS = ("mean", "std", "saturated", "dead", "grad_norm")


def _bytes(header: Sequence[str], rows) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue().encode()


def _num(v: float, digits: int = 9) -> str:
    return f"{v:.{digits}g}"  # 9 significant digits give float32 statistics back exactly


def histories_csv(snaps: Sequence, names: Sequence[str] = NETS) -> bytes:
    """Long table, one row per (step, net, layer, kind, bin): the histogram fractions on their fixed edges
    (6 significant digits: a full history of a deep net is tens of MB at 9)."""
    def rows():
        for s in snaps:
            for net, name in zip(NETS, names, strict=True):
                for i, layer in enumerate(getattr(s, net).layers):
                    for kind in KINDS:
                        h = layer.hist(kind)
                        if h is None:
                            continue
                        for lo, hi, f in zip(h.edges[:-1], h.edges[1:], h.counts, strict=True):
                            yield s.step, name, i + 1, kind, _num(lo, 6), _num(hi, 6), _num(f, 6)
    return _bytes(("step", "net", "layer", "kind", "bin_low", "bin_high", "fraction"), rows())


def curves_csv(snaps: Sequence, names: Sequence[str] = NETS) -> bytes:
    """Wide table, one row per (step, net): loss, test accuracy, then each layer's mean, std, saturated share,
    dead-unit share and gradient norm (columns ``layer<k>_<field>``)."""
    depth = len(snaps[0].plain.layers) if snaps else 0
    header = ["step", "net", "loss", "test_accuracy"] + [f"layer{k + 1}_{f}" for k in range(depth)
                                                          for f in LAYER_FIELDS]

    def rows():
        for s in snaps:
            for net, name in zip(NETS, names, strict=True):
                stats = getattr(s, net)
                cells = [_num(getattr(layer, f)) for layer in stats.layers for f in LAYER_FIELDS]
                yield [s.step, name, _num(stats.loss), _num(stats.test_accuracy), *cells]
    return _bytes(header, rows())
