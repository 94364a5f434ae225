"""The Python API that README documents keeps working: every name it shows imports, old module names included.

README is the promise (notebooks and scripts are written against it), so the names are read from README itself:
every `from core... import ...` line of its Python blocks, plus every moved module of its "Moved modules" table.
"""

import ast
import importlib
import re
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)
IMPORTS = sorted({(n.module, a.name) for block in BLOCKS for n in ast.walk(ast.parse(block))
                  if isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("core") for a in n.names})
MOVED = re.findall(r"^\| `(core\.[a-z_.]+)` \| `(core\.[a-z_.]+)` \|", README, flags=re.M)


def test_readme_documents_the_api():
    assert len(IMPORTS) > 40 and len(MOVED) >= 10


@pytest.mark.parametrize("module, name", IMPORTS, ids=[f"{m}.{n}" for m, n in IMPORTS])
def test_documented_name_imports(module, name):
    assert hasattr(importlib.import_module(module), name), f"README shows `from {module} import {name}`"


@pytest.mark.parametrize("old, new", MOVED, ids=[old for old, _ in MOVED])
def test_moved_module_keeps_its_old_name(old, new):
    before, now = importlib.import_module(old), importlib.import_module(new)
    shared = [n for n in getattr(before, "__all__", ()) if hasattr(now, n)]
    assert shared, f"{old} re-exports nothing of {new}"
    for n in shared:
        assert getattr(before, n) is getattr(now, n), f"{old}.{n} is not {new}.{n}"


def test_readme_examples_run():
    """The Python blocks of README, run in order in one namespace as a notebook would."""
    namespace: dict = {}
    for i, block in enumerate(BLOCKS):
        exec(compile(block, f"README block {i}", "exec"), namespace)  # noqa: S102 (our own README, not user text)
