"""The layout rules that keep normlab simple, checked rather than hoped for."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE_MODULES = sorted(f"core.{p.stem}" for p in (ROOT / "core").glob("*.py") if p.stem != "__init__")
SOURCES = [p for d in ("core", "viz", "views", "bench") for p in (ROOT / d).rglob("*.py")] + [ROOT / "app.py"]


def test_core_never_imports_ui_libraries():
    code = (
        "import sys, importlib\n"
        f"for m in {CORE_MODULES!r}: importlib.import_module(m)\n"
        "bad = sorted(k for k in sys.modules if k.split('.')[0] in ('streamlit', 'plotly'))\n"
        "assert not bad, bad\n"
        "print(len(" + repr(CORE_MODULES) + "))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr


def test_viz_never_calls_streamlit():
    for path in (ROOT / "viz").rglob("*.py"):
        assert "streamlit" not in path.read_text(), path


def _calls(tree: ast.AST) -> set[str]:
    return {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}


def test_no_eval_or_exec_anywhere():
    for path in SOURCES:
        found = _calls(ast.parse(path.read_text())) & {"eval", "exec", "compile"}
        assert not found, f"{path}: {found}"


def test_no_unsafe_html():
    for path in SOURCES:
        assert "unsafe_allow_html=True" not in path.read_text(), path
