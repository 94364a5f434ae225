"""views.ui.warmup: what a fresh server imports while idle, in what order, and only when no page run waits."""

import ast
import importlib
import threading
import time
from pathlib import Path

from views import HOME, PAGES
from views.ui import warmup
from views.ui.turns import Turns

ROOT = Path(__file__).resolve().parents[2]


def test_steps_cover_every_page_script_and_torch_dynamo():
    names = warmup.steps()
    for page in (HOME, *PAGES):
        tree = ast.parse((ROOT / page.script).read_text())
        modules = {n.module for n in tree.body if isinstance(n, ast.ImportFrom) and n.module != "__future__"}
        assert modules <= set(names), page.script
    assert names[-1] == "torch._dynamo" and len(names) == len(set(names))
    assert "views.histograms.live" in names and "streamlit" in names  # a submodule named by `from a import b`


def test_every_step_imports():
    for name in warmup.steps():
        importlib.import_module(name)


def test_waits_for_an_idle_moment_before_each_import():
    turns, done, loaded = Turns(1), threading.Event(), []
    release = threading.Event()

    def student():
        with turns.turn("student"):
            release.wait(5)

    threading.Thread(target=student).start()
    time.sleep(0.05)
    thread = threading.Thread(target=lambda: (warmup.run(["a", "b"], turns, loaded.append), done.set()))
    thread.start()
    time.sleep(0.3)
    assert loaded == []  # a page run holds the slot: nothing imports meanwhile
    release.set()
    assert done.wait(10) and loaded == ["a", "b"]


def test_a_failing_import_is_reported_and_the_rest_go_on():
    def load(name):
        if name == "bad":
            raise ImportError(name)

    assert warmup.run(["bad", "good"], Turns(1), load) == ["bad"]


def test_project_modules_import_in_no_cycle():
    # Two threads importing modules of a cycle can each see the other's half-made module; without cycles, a page run
    # importing a module the warm-up is importing just waits for it.
    files = [p for d in ("core", "views", "viz") for p in (ROOT / d).rglob("*.py")]
    name = {p: ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__") for p in files}
    known = set(name.values())
    graph = {name[p]: {m for m in warmup.imported(p) if m in known} for p in files}
    state: dict[str, int] = {}

    def visit(m, path):
        state[m] = 1
        for n in graph[m]:
            assert state.get(n) != 1, f"import cycle: {' -> '.join(path + [n])}"
            if n not in state:
                visit(n, path + [n])
        state[m] = 2

    for m in graph:
        if m not in state:
            visit(m, [m])


def test_start_is_once_per_process(monkeypatch):
    calls = []
    monkeypatch.setattr(warmup, "_STARTED", [])
    monkeypatch.setattr(warmup, "run", lambda names, turns: calls.append(len(names)))
    first = warmup.start(Turns(1))
    assert warmup.start(Turns(1)) is first
    first.join(5)
    assert len(calls) == 1
