"""The layout rules that keep normlab simple, checked rather than hoped for."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [p for d in ("core", "viz", "views", "bench") for p in (ROOT / d).rglob("*.py")] + [ROOT / "app.py"]
MAX_LINES = 250


def _module(path: Path) -> str:
    """core/optim/sgd.py -> core.optim.sgd; core/optim/__init__.py -> core.optim."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


CORE_MODULES = sorted(_module(p) for p in (ROOT / "core").rglob("*.py"))


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


def _imports(path: Path) -> set[str]:
    """The modules a file imports, anywhere in it (an import inside a function still ties the two files)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return names


def test_no_import_circles():
    graph = {_module(p): _imports(p) for p in SOURCES if p.name != "app.py"}
    graph = {m: {n for n in deps if n in graph and n != m} for m, deps in graph.items()}
    done, path = set(), []

    def visit(m: str) -> None:
        assert m not in path, "import circle: " + " -> ".join(path[path.index(m):] + [m])
        if m in done:
            return
        path.append(m)
        for n in sorted(graph[m]):
            if not m.startswith(n + "."):  # a module importing its own package's face is Python's normal order
                visit(n)
        path.pop()
        done.add(m)

    for m in sorted(graph):
        visit(m)



def test_no_file_is_long():
    long = {str(p.relative_to(ROOT)): n for p in [*SOURCES, *(ROOT / "tests").rglob("*.py")]
            if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, f"over {MAX_LINES} lines: {long}"
