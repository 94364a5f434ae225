"""AppTest on the real entry point, optionally switched to one page (paths are made absolute here)."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def open_page(script: str | None = None, timeout: float = 30, query: dict | None = None) -> AppTest:
    """Run app.py (then `script`, e.g. "pages/optimizers.py") with optional URL query parameters."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    if script and script != "pages/home.py":
        at.switch_page(str(ROOT / script)).run()
    return at
