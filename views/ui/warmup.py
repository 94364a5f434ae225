"""Once per server process, in moments when no page run runs or waits: the imports a fresh server's first visit of
each page paid for, so that a student is not the one who waits for them.

Measured with py-spy on a fresh server (2 cores, 2026-11-27): opening /histograms?arch=small+CNN&depth=20&width=512
first answered in 6.0-6.7 s, ~80% of it importing: torch._dynamo ~2.8 s (torch.optim imports it when the first
optimizer is made), the page's own modules, and scikit-learn (now not imported at all: core/digits.py). A heavy link
has 5 s to answer (issue #15); the first student of the day on any page got the same wait.

Steps run one at a time, each after TURNS.idle says no page run is running or waiting, so a class's moves go first;
a step already started holds the GIL with a page run that arrives meanwhile (the longest, torch._dynamo, ~1.5-3 s).
Project modules import in no cycle (tests/ui/test_warmup.py), so a page run importing the same module waits for it.
"""

from __future__ import annotations

import ast
import gc
import importlib
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from views import HOME, PAGES
from views.ui.server import TURNS
from views.ui.turns import Turns

ROOT = Path(__file__).resolve().parents[2]
IDLE_WAIT_S = 1.0  # how long one wait for an idle moment lasts before it looks again (it waits as long as it takes)
HEAVY = ("torch._dynamo",)  # imported on first use by torch itself, not by any page's import lines
_LOG = logging.getLogger("normlab.warmup")
_LOCK = threading.Lock()
_STARTED: list[threading.Thread] = []


def imported(script: Path) -> list[str]:
    """The modules ``script`` imports at its top level, in order (``from a import b``: a, then a.b if b is a module)."""
    names: list[str] = []
    for node in ast.parse(script.read_text()).body:
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module != "__future__":
            names.append(node.module)
            names += [f"{node.module}.{a.name}" for a in node.names if _is_module(f"{node.module}.{a.name}")]
    return list(dict.fromkeys(names))


def _is_module(name: str) -> bool:
    parts = name.split(".")
    return (ROOT.joinpath(*parts).with_suffix(".py").is_file() or (ROOT.joinpath(*parts) / "__init__.py").is_file())


def steps() -> list[str]:
    """What to import, in order: every page script's imports (home first, as the registry lists them), then HEAVY."""
    names: list[str] = []
    for page in (HOME, *PAGES):
        names += imported(ROOT / page.script)
    return list(dict.fromkeys(names + list(HEAVY)))


def run(names: list[str], turns: Turns, load: Callable[[str], object] = importlib.import_module) -> list[str]:
    """Import ``names`` one by one, each once ``turns`` is idle; the names that failed (logged, never raised)."""
    failed = []
    for name in names:
        while not turns.idle(IDLE_WAIT_S):
            pass
        try:
            load(name)
        except Exception:  # a page that cannot import shows its own error when visited; the warm-up goes on
            _LOG.exception("warm-up import of %s failed", name)
            failed.append(name)
    # As server.freeze_startup_objects: torch._dynamo alone leaves ~117k objects that every full collection (one each
    # TRIM_S, holding the GIL) walked in ~100 ms; frozen, ~0 ms. What sessions hold at this moment is frozen too and,
    # should it become cyclic garbage later, is never freed: a few sessions' worth, once per process.
    gc.collect()
    gc.freeze()
    return failed


def start(turns: Turns = TURNS) -> threading.Thread:
    """The process's warm-up thread (started by the first call, a daemon: it never holds a shutdown up)."""
    with _LOCK:
        if not _STARTED:
            # steps() parses seven scripts: in the thread, not in the page run that starts it
            thread = threading.Thread(target=lambda: run(steps(), turns), name="normlab-warmup", daemon=True)
            thread.start()
            _STARTED.append(thread)
        return _STARTED[0]
