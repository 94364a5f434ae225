"""CSV exports of a race: the trajectories (format unchanged) and the results table, read back exactly."""

from __future__ import annotations

import csv
import io
from functools import cache

from core.optim.export import results_csv, trajectories_csv
from core.optim.results import paths_summary, results_table
from core.optim.run import run_batch
from core.surfaces.registry import get_surface

BEALE = get_surface("beale")


@cache
def _named():
    trajs = run_batch([("adam", {"lr": 0.1}), ("sgd", {"lr": 10.0})], BEALE, (1.0, 1.5), 40)
    return dict(zip(["Adam", "SGD"], trajs, strict=True))


def _read(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_trajectories_csv_keeps_its_format():
    text = trajectories_csv(_named())
    assert text.splitlines()[0] == "optimizer,step,x,y,loss,grad_x,grad_y"
    rows = _read(text)
    assert len(rows) == 2 * 41 and rows[0]["step"] == "0" and (float(rows[0]["x"]), float(rows[0]["y"])) == (1.0, 1.5)
    adam = _named()["Adam"]
    assert float(rows[40]["loss"]) == adam.losses[40]  # full precision


def test_results_csv_reads_back_the_table_exactly():
    table = results_table(_named(), BEALE)
    rows = _read(results_csv(table))
    assert list(rows[0]) == list(table[0])  # every key, in the table's order
    for got, want in zip(rows, table, strict=True):
        for k, v in want.items():
            if v is None:
                assert got[k] == "", k  # undefined for this run: an empty cell
            elif isinstance(v, float):
                assert float(got[k]) == v, k  # repr-exact
            else:
                assert got[k] == str(v), k
    assert rows[1]["left"] == "diverged" and rows[1]["final_x"] == ""  # SGD at lr 10 blew up
    assert rows[0]["tol"] == "0.001"


def test_results_csv_with_noise_paths_adds_their_columns():
    trajs = run_batch([("adam", {"lr": 0.1})], BEALE, (1.0, 1.5), 40, noise=("additive", 0.3), seed=0, paths=3)
    table = results_table({"Adam": trajs[0]}, BEALE, paths={"Adam": paths_summary(trajs, BEALE)})
    rows = _read(results_csv(table))
    assert rows[0]["paths"] == "3" and {"paths_reached_tol", "paths_median_final_loss", "paths_left"} <= set(rows[0])
