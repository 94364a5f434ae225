"""CSV exports of a paired run: read back with the csv module, every number matches the recorded snapshots."""

import csv
import io

import numpy as np
import pytest

from core.hist_export import LAYER_FIELDS, curves_csv, histories_csv
from core.layer_stats import PairedTrainer


@pytest.fixture(scope="module")
def snaps():
    pair = PairedTrainer(dataset="moons", depth=2, width=8, activation="relu", init="he", lr=0.1, batch_size=30,
                         record_every=5)
    pair.step(20)
    return list(pair.history)


def _read(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode())))


def test_histories_round_trip(snaps):
    rows = _read(histories_csv(snaps, ("none", "batch norm")))
    assert len(rows) == len(snaps) * 2 * 2 * 3 * 40  # steps x nets x layers x kinds x bins
    by = {}
    for r in rows:
        by.setdefault((int(r["step"]), r["net"], int(r["layer"]), r["kind"]), []).append(r)
    for s in snaps:
        for net, name in (("plain", "none"), ("normed", "batch norm")):
            for i, layer in enumerate(getattr(s, net).layers):
                for kind in ("pre", "post", "grad"):
                    got = by[(s.step, name, i + 1, kind)]
                    h = layer.hist(kind)
                    np.testing.assert_allclose([float(r["fraction"]) for r in got], h.counts, rtol=1e-5, atol=1e-7)
                    np.testing.assert_allclose([float(r["bin_low"]) for r in got], h.edges[:-1], rtol=1e-5,
                                               atol=1e-12)
                    assert float(got[-1]["bin_high"]) == pytest.approx(h.edges[-1], rel=1e-5)
    assert sum(float(r["fraction"]) for r in rows[:40]) == pytest.approx(1.0, abs=1e-4)


def test_curves_round_trip(snaps):
    rows = _read(curves_csv(snaps))
    assert [(int(r["step"]), r["net"]) for r in rows] == [(s.step, n) for s in snaps for n in ("plain", "normed")]
    for r, (s, net) in zip(rows, [(s, n) for s in snaps for n in ("plain", "normed")], strict=True):
        stats = getattr(s, net)
        assert float(r["loss"]) == pytest.approx(stats.loss, rel=1e-8)
        assert float(r["test_accuracy"]) == pytest.approx(stats.test_accuracy, rel=1e-8)
        for k, layer in enumerate(stats.layers):
            for f in LAYER_FIELDS:
                assert float(r[f"layer{k + 1}_{f}"]) == pytest.approx(getattr(layer, f), rel=1e-8, abs=1e-300)


def test_empty_history_gives_just_a_header():
    assert curves_csv([]) == b"step,net,loss,test_accuracy\n"
    assert histories_csv([]).count(b"\n") == 1
