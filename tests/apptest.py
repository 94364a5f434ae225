"""AppTest on the real entry point, opened at one page as a link would (paths are made absolute here)."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def open_page(script: str | None = None, timeout: float = 30, query: dict | None = None) -> AppTest:
    """Run app.py showing `script` (e.g. "views/optimizers.py") with URL query parameters, like a first visit.

    The page is chosen before the first run, so the query is not dropped by a page switch.
    """
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    if script and not script.endswith("/home.py"):
        at.switch_page(str(ROOT / script))
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def run_async(coro):
    """asyncio.run in a fresh thread: Playwright's sync API leaves an event loop running in the main thread."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
