"""The server under test: start `streamlit run app.py` (or two replicas behind nginx), read its memory."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy" / "run_replicas.sh"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, timeout: float = 90, proc: subprocess.Popen | None = None) -> None:
    """Poll ``url``/_stcore/health until it answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} not healthy within {timeout} s")


def streamlit_cmd(port: int, app: str = "app.py") -> list[str]:
    """The command a deployment runs: headless, loopback, no file watcher."""
    return [sys.executable, "-m", "streamlit", "run", app, "--server.headless", "true",
            "--server.address", "127.0.0.1", "--server.port", str(port),
            "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]


@contextlib.contextmanager
def direct(app: str = "app.py") -> Iterator[tuple[str, list[int]]]:
    """One Streamlit server on a free loopback port: yields (base URL, [pid]); stopped on exit."""
    port = free_port()
    log = tempfile.NamedTemporaryFile("w", prefix="normlab-load-", suffix=".log", delete=False)
    proc = subprocess.Popen(streamlit_cmd(port, app), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc=proc)
        yield url, [proc.pid]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def nginx_available() -> str | None:
    """Why nginx cannot be used here, or None when it can."""
    if not DEPLOY.exists():
        return f"{DEPLOY} missing"
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        return "nginx is not installed (Debian: apt-get install nginx; deploy/run_replicas.sh does it as root)"
    return None


@contextlib.contextmanager
def replicas(ports: tuple[int, int] | None = None, listen: int | None = None) -> Iterator[tuple[str, list[int]]]:
    """Two replicas behind nginx via deploy/run_replicas.sh: yields (nginx URL, replica pids)."""
    state = Path(tempfile.mkdtemp(prefix="normlab-deploy-"))
    ports = ports or (free_port(), free_port())
    listen = listen or free_port()
    env = dict(os.environ, NORMLAB_DEPLOY_DIR=str(state), NORMLAB_PORTS=f"{ports[0]} {ports[1]}",
               NORMLAB_LISTEN=f"127.0.0.1:{listen}", NORMLAB_PYTHON=sys.executable)
    try:
        with open(state / "start.log", "w") as log:  # a file, not a pipe: the replicas outlive this call
            done = subprocess.run(["bash", str(DEPLOY), "start"], env=env, timeout=180, stdout=log,
                                  stderr=subprocess.STDOUT)
        if done.returncode:
            raise RuntimeError(f"deploy/run_replicas.sh start failed: {(state / 'start.log').read_text()}")
        pids = [int(x) for x in (state / "streamlit.pids").read_text().split()]
        yield f"http://127.0.0.1:{listen}", pids
    finally:
        subprocess.run(["bash", str(DEPLOY), "stop"], env=env, timeout=60,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(state, ignore_errors=True)


def rss_mb(pids: list[int]) -> float | None:
    """Resident memory (VmRSS) summed over ``pids`` in MB; None if any is unreadable."""
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return None
        line = next((x for x in status.splitlines() if x.startswith("VmRSS:")), None)
        if line is None:
            return None
        total += int(line.split()[1])
    return total / 1024
