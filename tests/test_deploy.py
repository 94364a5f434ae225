"""Scaling out: two replicas behind nginx (deploy/run_replicas.sh) serve real sessions with sticky routing.

Also checks what a deployment meets first: a student's first request is a shared deep link to a page.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from bench.load import server
from bench.load.runner import load
from bench.load.session import Session
from tests.apptest import run_async
from views import PAGES

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "deploy" / "run_replicas.sh"


def _target() -> tuple[str, str]:
    """(page, control) a session drives through nginx: the shared Seed control on the home page.

    The proxy plumbing (upgrade, affinity, reruns) is what is under test here; the load client's chart detection
    on the heavier pages is measured by `make load`, not asserted in CI.
    """
    return ("", "Seed")


def _need_nginx() -> None:
    why = server.nginx_available()
    if why and os.environ.get("CI") == "true":
        pytest.fail(why)
    if why:
        pytest.skip(why)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """deploy/run_replicas.sh start on free ports; yields (nginx URL, state dir, replica ports); stopped after."""
    _need_nginx()
    state = tmp_path_factory.mktemp("deploy")
    ports = (server.free_port(), server.free_port())
    listen = server.free_port()
    env = dict(os.environ, NORMLAB_DEPLOY_DIR=str(state), NORMLAB_PORTS=f"{ports[0]} {ports[1]}",
               NORMLAB_LISTEN=f"127.0.0.1:{listen}", NORMLAB_PYTHON=sys.executable)
    with open(state / "start.log", "w") as log:
        started = subprocess.run(["bash", str(SCRIPT), "start"], env=env, stdout=log, stderr=subprocess.STDOUT,
                                 timeout=180)
    try:
        assert started.returncode == 0, (state / "start.log").read_text()
        yield f"http://127.0.0.1:{listen}", state, ports
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop"], env=env, timeout=60)
    assert not (state / "streamlit.pids").exists()


def _upstreams(state: Path, key: str) -> set[str]:
    lines = [x for x in (state / "access.log").read_text().splitlines() if f"key={key}" in x]
    return {re.search(r"upstream=(\S+)", x).group(1) for x in lines}


def test_health_and_cookie_affinity(deployment):
    url, state, ports = deployment
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    for _ in range(6):
        with opener.open(f"{url}/_stcore/health", timeout=10) as r:
            assert r.status == 200 and r.read() == b"ok"
    key = next(c.value for c in jar if c.name == "normlab_affinity")
    assert _upstreams(state, key) <= {f"127.0.0.1:{p}" for p in ports}
    assert len(_upstreams(state, key)) == 1  # one browser, one replica
    for _ in range(8):  # browsers without a cookie yet are spread over both replicas
        urllib.request.urlopen(f"{url}/_stcore/health", timeout=10).read()
    seen = re.findall(r"upstream=(\S+)", (state / "access.log").read_text())
    assert set(seen) == {f"127.0.0.1:{p}" for p in ports}


def test_websocket_sessions_through_nginx(deployment):
    url, state, _ = deployment
    page, control = _target()
    run = run_async(asyncio.wait_for(load(url, [], "nginx", 2, [(page, control)], seconds=5, linger=0), 240))
    assert run.warm_up == []
    for student in run.results:
        assert student.errors == []
        assert student.changes >= 3 and len(student.latencies) == student.changes
    streams = [x for x in (state / "access.log").read_text().splitlines() if "/_stcore/stream" in x]
    assert streams and all(" 101 " in x for x in streams)  # websocket upgrades went through


def test_stop_is_idempotent_and_only_touches_its_own_state(tmp_path):
    env = dict(os.environ, NORMLAB_DEPLOY_DIR=str(tmp_path))
    out = subprocess.run(["bash", str(SCRIPT), "stop"], env=env, capture_output=True, text=True, timeout=30)
    assert out.returncode == 0
    assert subprocess.run(["bash", str(SCRIPT), "bogus"], env=env, capture_output=True, timeout=30).returncode == 2


def test_deep_link_on_a_fresh_server_runs_the_entry_point():
    """The first request after start is a student's link to a page: app.py (sidebar, navigation) must run."""
    page = PAGES[0].url_path if PAGES else "home"

    async def first_visit():
        s = Session(url, page)
        try:
            run = await s.open(timeout=120)
            return run, [w.label for w in s.widgets.values()]
        finally:
            await s.close()

    with server.direct() as (url, _):
        run, labels = run_async(first_visit())
    assert run.exceptions == [] and run.errors == []
    assert "Seed" in labels, f"app.py's sidebar did not run for a first visit of /{page}; widgets: {labels}"
