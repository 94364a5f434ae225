"""The results table under the Paths tab: the numbers of core.optim.results for the race shown, the noise paths'
summary when noise is on, no distance or steps where the surface has no minimum; and its CSV."""

from __future__ import annotations

from core.optim.presets import COURSE, PRESETS, default_lr
from core.optim.registry import OPTIMIZERS
from core.optim.results import TOL, off_map_at, results_table
from core.optim.run import run_batch
from core.surfaces.registry import get_surface
from tests.apptest import open_page
from views.optimizers.paths import reached, tol_header

PAGE = "views/optimizers/page.py"


def _open(**query):
    at = open_page(PAGE, timeout=120, query=query)
    assert not at.exception, [e.value for e in at.exception]
    return at


def _cell(v, fmt: str) -> str:
    return "—" if v is None else fmt % v  # as the table shows the core's number (None: the placeholder)


def test_the_table_is_the_race_in_core():
    at = _open(steps="200")
    shown = at.table[0].value
    beale = get_surface("beale")
    trajs = run_batch([(n, {"lr": default_lr("beale", n)}) for n in COURSE], beale, (1.0, 1.5), 200)
    rows = results_table({OPTIMIZERS[n].title: t for n, t in zip(COURSE, trajs, strict=True)}, beale, TOL)
    assert list(shown["optimizer"]) == [r["optimizer"] for r in rows]
    assert list(shown.columns) == ["optimizer", "f", tol_header(TOL), "to min", "x", "y"]  # what was reached first
    for (_, got), want in zip(shown.iterrows(), rows, strict=True):
        for col, key, fmt in (("x", "final_x", "%.3g"), ("y", "final_y", "%.3g"), ("f", "final_loss", "%.2e"),
                              ("to min", "distance_to_minimum", "%.3g")):
            assert got[col] == _cell(want[key], fmt)
        assert got[tol_header(TOL)] == reached(want, True)
    assert {b.label for b in at.get("download_button")} >= {"Download trajectories (CSV)",
                                                            "Download results table (CSV)"}


def test_the_steps_cell_says_how_a_run_left():
    base = {"steps_to_tol": None, "left": None, "left_at": None}
    assert reached(base, True) == "—" and reached(base, False) == ""
    assert reached(base | {"steps_to_tol": 218}, True) == "218"
    assert reached(base | {"left": "diverged", "left_at": 7}, True) == "diverged at step 7"
    assert reached(base | {"steps_to_tol": 3, "left": "diverged", "left_at": 7}, True) == "3, then diverged at step 7"
    assert reached(base | {"left": "escaped", "left_at": 39}, False) == "escaped at step 39"


def test_saddle_has_no_minimum_columns_and_says_who_escaped():
    at = _open(example="saddle")
    shown = at.table[0].value
    assert "to min" not in shown.columns
    cells = dict(zip(shown["optimizer"], shown[tol_header(TOL)], strict=True))
    p = PRESETS["saddle"]
    trajs = run_batch(p.runs(), get_surface("saddle"), p.start, p.steps)
    want = {OPTIMIZERS[n].title: f"escaped at step {off_map_at(t.points, get_surface('saddle').box)}"
            if t.escaped else "" for n, t in zip(p.optimizers, trajs, strict=True)}
    assert cells == want and any(want.values())
    assert "escaped at step 39" in cells["Adadelta"] and "leaves the box at step 39" in p.caption  # table = caption


def test_noise_adds_the_paths_summary():
    at = _open(steps="100", nz_sigma="0.5", nz_paths="4")
    shown = at.table[0].value
    assert {"paths reaching tol", "median steps (paths)", "median final f (paths)", "paths that left"} <= set(
        shown.columns)
    assert all(v.endswith("/4") for v in shown["paths that left"])


def test_the_downloads_hold_a_config_and_build_the_race_shown_on_click(monkeypatch):
    """Streamlit keeps a download's callable until its session is shut down: one holding the race kept ~40 MB per
    distinct link (issue #15). What is kept is small, and clicking builds the CSV of the race on the page."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    from core.optim.export import results_csv, trajectories_csv
    from views.optimizers import data
    from views.ui import cache

    built, add = {}, MediaFileManager.add_deferred

    def kept(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        built[file_name] = data_callable
        return add(self, data_callable, mimetype, coordinates, file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", kept)
    _open(steps="200", otab="Paths")
    _open(steps="200", otab="Race")
    assert {"normlab-beale.csv", "normlab-beale-results.csv", "normlab-race-beale.gif"} <= set(built)
    for fn in built.values():
        assert cache.nbytes((fn.args, fn.keywords)) < 20_000, fn
    cfg = built["normlab-beale.csv"].args[0]
    race = data.race(cfg)
    named = {r.title: t for r, t in zip(race.runs, race.trajs, strict=True)}
    assert built["normlab-beale.csv"]() == trajectories_csv(named)
    assert built["normlab-beale-results.csv"]() == results_csv(data.results(data.landscape(cfg.surface), race))
    assert len(race.trajs[0].points) == 201
